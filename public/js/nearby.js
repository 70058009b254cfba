/*
 * Enhancement of the signal form: once a type and a point are chosen, shows the public signals
 * of the same category within 50 m ("Може би вече е подаден"), so that a person can follow one
 * instead of reporting it again. Without JavaScript the same list appears when the form returns.
 */
(function () {
  'use strict';
  var box = document.getElementById('nearby');
  var lat = document.getElementById('lat');
  var lon = document.getElementById('lon');
  var type = document.getElementById('type');
  if (!box || !lat || !lon || !type || !window.fetch) return;
  var lang = box.getAttribute('data-lang') === 'en' ? 'en' : 'bg';
  var T = {
    bg: { title: 'Може би вече е подаден', lead: 'Наблизо (до 50 м) има подадени сигнали от същата категория през последните 30 дни. Ако е същият проблем, отворете сигнала и се абонирайте за него вместо да подавате нов.', m: 'м' },
    en: { title: 'Maybe it has already been reported', lead: 'There are signals of the same category within 50 m from the last 30 days. If it is the same problem, open the signal and subscribe to it instead of submitting a new one.', m: 'm' },
  }[lang];
  var timer = null;
  var last = '';

  function check() {
    var la = String(lat.value).replace(',', '.');
    var lo = String(lon.value).replace(',', '.');
    if (!type.value || !la || !lo) return;
    var key = type.value + '|' + la + '|' + lo;
    if (key === last) return;
    last = key;
    var url = '/api/v1/signals/nearby?typeId=' + encodeURIComponent(type.value) + '&lat=' + encodeURIComponent(la) + '&lon=' + encodeURIComponent(lo) + '&lang=' + lang;
    fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (data) { render(data.items || []); })
      .catch(function () { /* the list is a help, not a step: stay quiet */ });
  }

  function el(tag, text) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    return e;
  }

  function render(items) {
    box.textContent = '';
    if (!items.length) return;
    var section = el('section');
    section.className = 'notice';
    var h = el('h2', T.title);
    h.id = 'nearby-title';
    section.setAttribute('aria-labelledby', 'nearby-title');
    section.appendChild(h);
    section.appendChild(el('p', T.lead));
    var ul = el('ul');
    items.forEach(function (n) {
      var li = el('li');
      var a = el('a', n.number);
      a.href = n.url;
      li.appendChild(a);
      li.appendChild(document.createTextNode(' – ' + n.type + ' (' + n.statusLabel + ', ' + n.metres + ' ' + T.m + ')'));
      ul.appendChild(li);
    });
    section.appendChild(ul);
    box.appendChild(section);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  }
  [lat, lon, type].forEach(function (x) {
    x.addEventListener('change', schedule);
    x.addEventListener('input', schedule);
  });
})();
