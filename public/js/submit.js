/*
 * Signal submission form enhancement (progressive enhancement).
 *
 * Contract (see public/js/README.md):
 *   <form id="submit-form">
 *     <select id="type" name="typeId"> with <optgroup label data-category-id> groups
 *     <div id="extra-fields">…</div>
 *     <button data-no-js-only …>Продължи</button>          (no-JS step button)
 *     <div id="place-map" data-tiles data-attribution></div>
 *     <input id="lat" name="lat"> <input id="lon" name="lon">
 *     <button type="button" id="locate-me" hidden>…</button>
 *     <p id="locate-status" aria-live="polite"></p>
 *     <input type="file" id="photos" name="photos" multiple accept="…">
 *     <p id="photos-status" aria-live="polite"></p>
 *   </form>
 *
 * Every part is optional and enhanced independently; the form always works
 * without this script.
 */
(function () {
  'use strict';

  var form = document.getElementById('submit-form');
  if (!form) return;

  var lang = String(document.documentElement.lang || '').toLowerCase().indexOf('en') === 0 ? 'en' : 'bg';
  var TEXT = {
    bg: {
      category: 'Категория',
      choose: '— изберете —',
      extraFieldsError: 'Допълнителните полета не можаха да бъдат заредени. Използвайте бутона „Продължи“.',
      locating: 'Определяме местоположението Ви…',
      located: 'Местоположението е отбелязано на картата.',
      locateError: 'Не успяхме да определим местоположението Ви.',
      tileError: 'Картата не може да зареди подложката; можете да въведете координатите ръчно.',
      mapLabel: 'Карта за избор на място. Щракнете, за да поставите маркер, или натиснете Enter за центъра на картата.',
      markerTitle: 'Избрано място',
      tooManyPhotos: 'Можете да прикачите най-много {max} снимки (избрани: {n}).',
      photoTooBig: 'Всяка снимка трябва да е до {mb} MB. Твърде голям файл: {name}.',
      photoBadType: 'Позволени са само снимки във формат JPEG, PNG или WebP. Неподходящ файл: {name}.',
    },
    en: {
      category: 'Category',
      choose: '— choose —',
      extraFieldsError: 'The additional fields could not be loaded. Please use the “Continue” button.',
      locating: 'Determining your location…',
      located: 'Your location has been marked on the map.',
      locateError: 'We could not determine your location.',
      tileError: 'Map tiles could not load; you can still enter the coordinates manually.',
      mapLabel: 'Map for choosing the location. Click to place a marker, or press Enter to use the map centre.',
      markerTitle: 'Selected location',
      tooManyPhotos: 'You can attach at most {max} photos ({n} selected).',
      photoTooBig: 'Each photo must be at most {mb} MB. Too large: {name}.',
      photoBadType: 'Only JPEG, PNG or WebP photos are allowed. Not accepted: {name}.',
    },
  }[lang];

  function t(key, vars) {
    var s = TEXT[key];
    if (vars) {
      Object.keys(vars).forEach(function (k) {
        s = s.split('{' + k + '}').join(String(vars[k]));
      });
    }
    return s;
  }

  // ===========================================================================
  // 1. No-JS-only controls: hide them (and move them to the end of the form so
  //    a hidden submit button is not the form's default button on Enter).
  // ===========================================================================
  var noJsOnly = Array.prototype.slice.call(form.querySelectorAll('[data-no-js-only]'));
  noJsOnly.forEach(function (el) {
    el.hidden = true;
    if (el.type === 'submit' || (el.tagName === 'BUTTON' && !el.getAttribute('type'))) form.appendChild(el);
  });
  function restoreNoJsControls() {
    noJsOnly.forEach(function (el) {
      el.hidden = false;
    });
  }

  // ===========================================================================
  // 2. Category -> type, and extra fields for the chosen type
  // ===========================================================================
  var typeSelect = document.getElementById('type');
  var extraFields = document.getElementById('extra-fields');
  var extraController = null;

  if (typeSelect && typeSelect.tagName === 'SELECT') enhanceTypeSelect(typeSelect);

  function enhanceTypeSelect(select) {
    // Snapshot the server-rendered structure once.
    var leading = []; // options outside any optgroup (e.g. an empty placeholder)
    var groups = []; // { id, label, options: [{ value, text, disabled }] }
    var categoryOfType = new Map();
    Array.prototype.forEach.call(select.children, function (child) {
      if (child.tagName === 'OPTION') {
        leading.push(snapshotOption(child));
      } else if (child.tagName === 'OPTGROUP') {
        var id = child.getAttribute('data-category-id') || child.label;
        var group = { id: String(id), label: child.label, options: [] };
        Array.prototype.forEach.call(child.querySelectorAll('option'), function (opt) {
          group.options.push(snapshotOption(opt));
          categoryOfType.set(opt.value, group.id);
        });
        groups.push(group);
      }
    });
    if (!groups.length) {
      watchTypeChanges(select);
      return;
    }
    if (!leading.some(function (o) { return o.value === ''; })) {
      leading.unshift({ value: '', text: t('choose'), disabled: false });
    }

    // Build <label for="category"> + <select id="category" name="categoryId">.
    var categorySelect = document.createElement('select');
    categorySelect.id = 'category';
    categorySelect.name = 'categoryId';
    if (select.required) categorySelect.required = true;
    categorySelect.appendChild(new Option(t('choose'), ''));
    groups.forEach(function (g) {
      categorySelect.appendChild(new Option(g.label, g.id));
    });
    var label = document.createElement('label');
    label.htmlFor = 'category';
    label.textContent = t('category');
    insertCategoryField(select, label, categorySelect);

    var initialType = select.value;
    if (initialType && categoryOfType.has(initialType)) {
      categorySelect.value = categoryOfType.get(initialType);
    }
    rebuildTypes(false);

    categorySelect.addEventListener('change', function () {
      rebuildTypes(true);
    });
    select.addEventListener('change', function () {
      // When no category was chosen yet the full grouped list is shown;
      // picking a type there selects its category too.
      var cat = categoryOfType.get(select.value);
      if (cat && categorySelect.value !== cat) {
        categorySelect.value = cat;
        rebuildTypes(false);
      }
    });
    watchTypeChanges(select);

    function rebuildTypes(notify) {
      var previous = select.value;
      var cat = categorySelect.value;
      var frag = document.createDocumentFragment();
      leading.forEach(function (o) {
        frag.appendChild(makeOption(o));
      });
      groups.forEach(function (g) {
        if (cat && g.id !== cat) return;
        if (cat) {
          g.options.forEach(function (o) {
            frag.appendChild(makeOption(o));
          });
        } else {
          var og = document.createElement('optgroup');
          og.label = g.label;
          og.setAttribute('data-category-id', g.id);
          g.options.forEach(function (o) {
            og.appendChild(makeOption(o));
          });
          frag.appendChild(og);
        }
      });
      select.textContent = '';
      select.appendChild(frag);
      var keep = Array.prototype.some.call(select.options, function (o) { return o.value === previous; });
      select.value = keep ? previous : '';
      if (notify && select.value !== previous) {
        select.dispatchEvent(new Event('change', { bubbles: true }));
      }
    }
  }

  function snapshotOption(opt) {
    return { value: opt.value, text: opt.text, disabled: opt.disabled };
  }

  function makeOption(o) {
    var opt = new Option(o.text, o.value);
    if (o.disabled) opt.disabled = true;
    return opt;
  }

  // Put the category field before the type field, matching its markup:
  //   <div class="field"><label for="type">…</label><select id="type">…</div>
  //     -> a sibling wrapper of the same tag/class is inserted before it;
  //   <label>… <select id="type"></label> -> a label wrapping the select;
  //   bare <label for="type"> + <select>   -> inserted before that label.
  function insertCategoryField(select, label, categorySelect) {
    var wrappingLabel = select.closest('label');
    if (wrappingLabel) {
      label.appendChild(document.createTextNode(' '));
      label.appendChild(categorySelect);
      wrappingLabel.parentNode.insertBefore(label, wrappingLabel);
      return;
    }
    var typeLabel = select.id ? form.querySelector('label[for="' + select.id + '"]') : null;
    var parent = select.parentNode;
    if (
      typeLabel &&
      typeLabel.parentNode === parent &&
      parent !== form &&
      parent.tagName !== 'FIELDSET' &&
      parent.querySelectorAll('input, select, textarea').length === 1
    ) {
      var wrapper = document.createElement(parent.tagName);
      if (parent.className) wrapper.className = parent.className;
      wrapper.appendChild(label);
      wrapper.appendChild(categorySelect);
      parent.parentNode.insertBefore(wrapper, parent);
      return;
    }
    var anchor = typeLabel && typeLabel.parentNode === parent && precedes(typeLabel, select) ? typeLabel : select;
    parent.insertBefore(label, anchor);
    parent.insertBefore(categorySelect, anchor);
  }

  function precedes(a, b) {
    return !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  }

  function watchTypeChanges(select) {
    var current = select.value;
    select.addEventListener('change', function () {
      if (select.value === current) return;
      current = select.value;
      loadExtraFields(current);
    });
  }

  function loadExtraFields(typeId) {
    if (!extraFields) return;
    if (extraController) extraController.abort();
    if (!typeId) {
      extraController = null;
      extraFields.innerHTML = '';
      return;
    }
    var ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    extraController = ctrl;
    extraFields.setAttribute('aria-busy', 'true');
    var url = '/signals/new/fields?type=' + encodeURIComponent(typeId) + '&lang=' + encodeURIComponent(lang);
    fetch(url, {
      headers: { Accept: 'text/html' },
      credentials: 'same-origin',
      signal: ctrl ? ctrl.signal : undefined,
    })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.text();
      })
      .then(function (html) {
        if (extraController !== ctrl) return;
        extraFields.innerHTML = html;
      })
      .catch(function (err) {
        if ((err && err.name === 'AbortError') || extraController !== ctrl) return;
        extraFields.textContent = '';
        var p = document.createElement('p');
        p.className = 'form-error';
        p.setAttribute('role', 'alert');
        p.textContent = t('extraFieldsError');
        extraFields.appendChild(p);
        restoreNoJsControls();
      })
      .then(function () {
        if (extraController === ctrl) {
          extraController = null;
          extraFields.removeAttribute('aria-busy');
        }
      });
  }

  // ===========================================================================
  // 3. Place picker (map + lat/lon inputs + "use my location")
  // ===========================================================================
  var latInput = document.getElementById('lat');
  var lonInput = document.getElementById('lon');
  var placeMapEl = document.getElementById('place-map');
  var locateBtn = document.getElementById('locate-me');
  var locateStatus = document.getElementById('locate-status');
  var SOFIA = [42.6977, 23.3219];

  var placeMap = null;
  var placeMarker = null;
  var setPlaceMarker = null; // set by initPlaceMap

  if (latInput && lonInput && placeMapEl && window.L) initPlaceMap(window.L);

  function initPlaceMap(L) {
    var reduceMotion = !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
    var initial = readInputs();
    placeMap = L.map(placeMapEl, {
      center: initial || SOFIA,
      zoom: initial ? 16 : 13,
      minZoom: 10,
      maxZoom: 19,
      zoomAnimation: !reduceMotion,
      fadeAnimation: !reduceMotion,
      markerZoomAnimation: !reduceMotion,
    });
    if (!placeMapEl.hasAttribute('aria-label')) placeMapEl.setAttribute('aria-label', t('mapLabel'));

    var tilesUrl = placeMapEl.getAttribute('data-tiles');
    if (tilesUrl) {
      var noteShown = false;
      L.tileLayer(tilesUrl, {
        minZoom: 10,
        maxZoom: 19,
        attribution: escapeHtml(placeMapEl.getAttribute('data-attribution') || ''),
      })
        .on('tileerror', function () {
          if (noteShown) return;
          noteShown = true;
          var Note = L.Control.extend({
            options: { position: 'bottomleft' },
            onAdd: function () {
              var p = L.DomUtil.create('p', 'map-tile-error');
              p.setAttribute('role', 'status');
              p.textContent = t('tileError');
              L.DomEvent.disableClickPropagation(p);
              return p;
            },
          });
          new Note().addTo(placeMap);
        })
        .addTo(placeMap);
    }

    if (initial) setMarker(initial, false);

    placeMap.on('click', function (e) {
      setMarker(e.latlng, false);
      writeInputs(e.latlng);
    });

    // Keyboard: with the map focused, Enter (or Space) drops the marker at the centre.
    placeMapEl.addEventListener('keydown', function (e) {
      if (e.target !== placeMapEl) return;
      if (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar') {
        e.preventDefault();
        var c = placeMap.getCenter();
        setMarker(c, false);
        writeInputs(c);
      }
    });

    [latInput, lonInput].forEach(function (input) {
      input.addEventListener('input', function () {
        var ll = readInputs();
        if (ll) setMarker(ll, true);
      });
    });

    function setMarker(latlng, pan) {
      if (!placeMarker) {
        placeMarker = L.marker(latlng, {
          draggable: true,
          keyboard: true,
          title: t('markerTitle'),
          autoPan: true,
          icon: L.divIcon({ className: 'place-icon', html: '', iconSize: [24, 24], iconAnchor: [12, 32] }),
        }).addTo(placeMap);
        placeMarker.on('dragend', function () {
          writeInputs(placeMarker.getLatLng());
        });
      } else {
        placeMarker.setLatLng(latlng);
      }
      if (pan && !placeMap.getBounds().contains(latlng)) placeMap.panTo(latlng);
    }
    setPlaceMarker = setMarker;
  }

  function placeAt(lat, lon) {
    var ll = window.L ? window.L.latLng(lat, lon) : { lat: lat, lng: lon };
    writeInputs(ll);
    if (placeMap && setPlaceMarker) {
      setPlaceMarker(ll, false);
      placeMap.setView(ll, Math.max(placeMap.getZoom(), 17));
    }
  }

  function readInputs() {
    if (!latInput || !lonInput) return null;
    var lat = parseCoord(latInput.value);
    var lon = parseCoord(lonInput.value);
    if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    return [lat, lon];
  }

  function parseCoord(value) {
    var s = String(value || '').trim().replace(',', '.');
    if (!/^[-+]?\d{1,3}(\.\d+)?$/.test(s)) return null;
    var n = Number(s);
    return isFinite(n) ? n : null;
  }

  function writeInputs(latlng) {
    if (!latInput || !lonInput) return;
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
    // Let other scripts (and constraint validation) know; no 'input' event so we don't loop.
    latInput.dispatchEvent(new Event('change', { bubbles: true }));
    lonInput.dispatchEvent(new Event('change', { bubbles: true }));
  }

  if (locateBtn && latInput && lonInput && navigator.geolocation && window.isSecureContext !== false) {
    locateBtn.hidden = false;
    locateBtn.addEventListener('click', function () {
      locateBtn.disabled = true;
      setLocateStatus(t('locating'));
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          locateBtn.disabled = false;
          placeAt(pos.coords.latitude, pos.coords.longitude);
          setLocateStatus(t('located'));
        },
        function () {
          locateBtn.disabled = false;
          setLocateStatus(t('locateError'));
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  function setLocateStatus(text) {
    if (locateStatus) locateStatus.textContent = text;
  }

  // ===========================================================================
  // 4. Photos: count / size / type limits via constraint validation
  // ===========================================================================
  var MAX_PHOTOS = 5;
  var MAX_BYTES = 10 * 1024 * 1024;
  var ALLOWED_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
  var photos = document.getElementById('photos');
  var photosStatus = document.getElementById('photos-status');

  if (photos && photos.type === 'file') {
    if (photosStatus && photosStatus.id) {
      var described = (photos.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
      if (described.indexOf(photosStatus.id) === -1) {
        described.push(photosStatus.id);
        photos.setAttribute('aria-describedby', described.join(' '));
      }
    }
    photos.addEventListener('change', checkPhotos);
    checkPhotos();
    // Also enforce when the form opts out of native validation (novalidate).
    form.addEventListener('submit', function (e) {
      if (checkPhotos()) return;
      e.preventDefault();
      photos.focus();
      if (typeof photos.reportValidity === 'function') photos.reportValidity();
    });
  }

  function checkPhotos() {
    var files = photos.files ? Array.prototype.slice.call(photos.files) : [];
    var message = '';
    if (files.length > MAX_PHOTOS) {
      message = t('tooManyPhotos', { max: MAX_PHOTOS, n: files.length });
    } else {
      for (var i = 0; i < files.length; i++) {
        var f = files[i];
        if (f.size > MAX_BYTES) {
          message = t('photoTooBig', { mb: 10, name: f.name });
          break;
        }
        if (f.type && ALLOWED_TYPES.indexOf(f.type) === -1) {
          message = t('photoBadType', { name: f.name });
          break;
        }
      }
    }
    photos.setCustomValidity(message);
    if (message) photos.setAttribute('aria-invalid', 'true');
    else photos.removeAttribute('aria-invalid');
    if (photosStatus) photosStatus.textContent = message;
    return !message;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
})();
