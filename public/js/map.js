/*
 * Home page map of public signals (progressive enhancement).
 *
 * Contract (see public/js/README.md):
 *   <div id="signal-map" data-tiles data-attribution data-lang data-api></div>
 *   <form id="map-filters"> with selects category / status / district
 *   <p id="map-status" aria-live="polite"></p>   (optional)
 *
 * Needs Leaflet as the global `L` (/vendor/leaflet/leaflet.js). Without it
 * (or without the container) this script does nothing and the server-rendered
 * list stays the only view.
 */
(function () {
  'use strict';

  var L = window.L;
  var container = document.getElementById('signal-map');
  if (!L || !container || typeof window.fetch !== 'function') return;

  var SOFIA = [42.6977, 23.3219];
  var FILTER_NAMES = ['category', 'status', 'district'];
  var DEBOUNCE_MS = 200;

  var lang = pickLang(container.getAttribute('data-lang') || document.documentElement.lang);
  var locale = lang === 'en' ? 'en-GB' : 'bg-BG';
  var apiUrl = container.getAttribute('data-api') || '/api/v1/map/clusters';
  var tilesUrl = container.getAttribute('data-tiles');
  var attribution = container.getAttribute('data-attribution') || '';

  var TEXT = {
    bg: {
      tileError: 'Картата не може да зареди подложката; сигналите се показват.',
      showingOne: 'Показан 1 сигнал',
      showingMany: 'Показани {n} сигнала',
      none: 'Няма сигнали в показаната област.',
      loading: 'Зареждане на сигналите…',
      loadError: 'Сигналите не можаха да бъдат заредени. Опитайте отново.',
      clusterTitle: '{n} сигнала – натиснете, за да приближите',
      mapLabel: 'Карта на сигналите',
      type: 'Вид',
      category: 'Категория',
      status: 'Статус',
      date: 'Дата',
    },
    en: {
      tileError: 'Map tiles could not load; signals are still shown.',
      showingOne: 'Showing 1 signal',
      showingMany: 'Showing {n} signals',
      none: 'No signals in the visible area.',
      loading: 'Loading signals…',
      loadError: 'Signals could not be loaded. Please try again.',
      clusterTitle: '{n} signals – press to zoom in',
      mapLabel: 'Map of signals',
      type: 'Type',
      category: 'Category',
      status: 'Status',
      date: 'Date',
    },
  }[lang];

  var numberFormat = safeNumberFormat(locale);
  var statusEl = document.getElementById('map-status');
  var form = document.getElementById('map-filters');

  var reduceMotion = !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);

  // A page may open the map on one place (a signal's "see on the map" link): data-center="lat,lon", data-zoom.
  var startCenter = SOFIA;
  var startZoom = 12;
  var c = (container.getAttribute('data-center') || '').split(',').map(Number);
  if (c.length === 2 && isFinite(c[0]) && isFinite(c[1])) {
    startCenter = [c[0], c[1]];
    var z = Number(container.getAttribute('data-zoom'));
    startZoom = isFinite(z) && z >= 10 && z <= 19 ? z : 17;
  }

  var map = L.map(container, {
    center: startCenter,
    zoom: startZoom,
    minZoom: 10,
    maxZoom: 19,
    zoomAnimation: !reduceMotion,
    fadeAnimation: !reduceMotion,
    markerZoomAnimation: !reduceMotion,
  });
  if (!container.hasAttribute('aria-label')) container.setAttribute('aria-label', TEXT.mapLabel);

  // ---- base layer + "tiles failed" note -------------------------------------
  if (tilesUrl) {
    var tiles = L.tileLayer(tilesUrl, {
      minZoom: 10,
      maxZoom: 19,
      attribution: escapeHtml(attribution),
    });
    var tileNoteShown = false;
    tiles.on('tileerror', function () {
      if (tileNoteShown) return;
      tileNoteShown = true;
      showTileNote(map, TEXT.tileError);
    });
    tiles.addTo(map);
  }

  // ---- markers ----------------------------------------------------------------
  var markersLayer = L.layerGroup().addTo(map);
  var markersByKey = new Map(); // key -> L.Marker (keyed so an open popup/focused marker survives a refresh)

  function clusterSize(count) {
    if (count < 10) return { cls: 'cluster-small', px: 32 };
    if (count < 100) return { cls: 'cluster-medium', px: 40 };
    return { cls: 'cluster-large', px: 50 };
  }

  function makeCluster(latlng, count) {
    var size = clusterSize(count);
    var label = TEXT.clusterTitle.replace('{n}', formatNumber(count));
    var marker = L.marker(latlng, {
      keyboard: true,
      title: label,
      riseOnHover: true,
      icon: L.divIcon({
        className: 'cluster-icon ' + size.cls,
        html: '<span>' + escapeHtml(formatNumber(count)) + '</span>',
        iconSize: [size.px, size.px],
      }),
    });
    function zoomIn() {
      map.setView(marker.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom()));
    }
    marker.on('click', zoomIn);
    marker.on('add', function () {
      var el = marker.getElement();
      if (el) el.setAttribute('aria-label', label);
    });
    onActivateKey(marker, zoomIn, true);
    return marker;
  }

  function makeSignal(latlng, p) {
    var status = String(p.status || '').replace(/[^a-z0-9_-]/gi, '');
    var name = [p.number, p.type].filter(Boolean).join(' – ');
    var marker = L.marker(latlng, {
      keyboard: true,
      title: name,
      riseOnHover: true,
      icon: L.divIcon({
        className: 'signal-icon status-' + (status || 'unknown'),
        html: '',
        iconSize: [18, 18],
        popupAnchor: [0, -8],
      }),
    });
    marker.on('add', function () {
      var el = marker.getElement();
      if (el) {
        el.setAttribute('aria-label', name + (p.statusLabel ? ' (' + p.statusLabel + ')' : ''));
      }
    });
    marker.bindPopup(function () { return buildPopup(p); }, { maxWidth: 280, autoPanPadding: [16, 16] });
    // Leaflet already opens the popup on Enter; also honour Space like a button.
    onActivateKey(marker, function () { marker.togglePopup(); }, false);
    return marker;
  }

  function buildPopup(p) {
    var root = document.createElement('div');
    root.className = 'signal-popup';

    var title = document.createElement('p');
    title.className = 'signal-popup-number';
    var href = safeUrl(p.url);
    var numberNode;
    if (href) {
      numberNode = document.createElement('a');
      numberNode.href = href;
    } else {
      numberNode = document.createElement('strong');
    }
    numberNode.textContent = String(p.number || '');
    title.appendChild(numberNode);
    root.appendChild(title);

    var dl = document.createElement('dl');
    addRow(dl, TEXT.type, p.type);
    addRow(dl, TEXT.category, p.category);
    addRow(dl, TEXT.status, p.statusLabel || p.status);
    if (p.registeredAt) {
      var time = document.createElement('time');
      time.dateTime = String(p.registeredAt);
      time.textContent = formatDate(p.registeredAt);
      addRow(dl, TEXT.date, time);
    }
    root.appendChild(dl);

    root.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' || e.key === 'Esc') {
        e.preventDefault();
        map.closePopup();
      }
    });
    return root;
  }

  function addRow(dl, label, value) {
    if (value === undefined || value === null || value === '') return;
    var dt = document.createElement('dt');
    dt.textContent = label;
    var dd = document.createElement('dd');
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = String(value);
    dl.appendChild(dt);
    dl.appendChild(dd);
  }

  // Move focus into an opened popup and back to its marker when it closes,
  // so keyboard users are not stranded.
  map.on('popupopen', function (e) {
    var link = e.popup.getElement() && e.popup.getElement().querySelector('.signal-popup a');
    var source = e.popup._source;
    var sourceEl = source && source.getElement && source.getElement();
    if (link && sourceEl && document.activeElement === sourceEl) {
      link.focus({ preventScroll: true });
    }
  });
  map.on('popupclose', function (e) {
    var popupEl = e.popup.getElement();
    var source = e.popup._source;
    var sourceEl = source && source.getElement && source.getElement();
    if (popupEl && sourceEl && popupEl.contains(document.activeElement)) {
      sourceEl.focus({ preventScroll: true });
    }
  });

  function render(features) {
    var next = new Map();
    var total = 0;
    for (var i = 0; i < features.length; i++) {
      var f = features[i];
      if (!f || !f.geometry || f.geometry.type !== 'Point' || !Array.isArray(f.geometry.coordinates)) continue;
      var lon = Number(f.geometry.coordinates[0]);
      var lat = Number(f.geometry.coordinates[1]);
      if (!isFinite(lat) || !isFinite(lon)) continue;
      var p = f.properties || {};
      var key;
      if (p.cluster) {
        var count = Math.max(0, Math.floor(Number(p.count) || 0));
        if (!count) continue;
        total += count;
        key = 'c:' + lat.toFixed(6) + ',' + lon.toFixed(6) + ':' + count;
        if (!next.has(key)) next.set(key, markersByKey.get(key) || makeCluster([lat, lon], count));
      } else {
        total += 1;
        key = 's:' + (p.number || lat.toFixed(6) + ',' + lon.toFixed(6)) + ':' + (p.status || '');
        if (!next.has(key)) next.set(key, markersByKey.get(key) || makeSignal([lat, lon], p));
      }
    }
    markersByKey.forEach(function (marker, key) {
      if (!next.has(key)) markersLayer.removeLayer(marker);
    });
    next.forEach(function (marker) {
      if (!markersLayer.hasLayer(marker)) markersLayer.addLayer(marker);
    });
    markersByKey = next;
    return total;
  }

  // ---- data loading -----------------------------------------------------------
  var controller = null;
  var timer = null;
  var lastQuery = null;

  function currentFilters() {
    var out = {};
    if (form) {
      FILTER_NAMES.forEach(function (name) {
        var field = form.elements.namedItem(name);
        var value = field && 'value' in field ? String(field.value || '').trim() : '';
        if (value) out[name] = value;
      });
    } else {
      var qs = new URLSearchParams(window.location.search);
      FILTER_NAMES.forEach(function (name) {
        var v = qs.get(name);
        if (v) out[name] = v;
      });
    }
    return out;
  }

  function buildQuery() {
    var b = map.getBounds();
    var west = clamp(b.getWest(), -180, 180);
    var east = clamp(b.getEast(), -180, 180);
    var south = clamp(b.getSouth(), -90, 90);
    var north = clamp(b.getNorth(), -90, 90);
    var params = new URLSearchParams();
    params.set('bbox', [west, south, east, north].map(function (n) { return n.toFixed(6); }).join(','));
    params.set('zoom', String(Math.round(map.getZoom())));
    var filters = currentFilters();
    FILTER_NAMES.forEach(function (name) {
      if (filters[name]) params.set(name, filters[name]);
    });
    return params.toString().replace(/%2C/gi, ','); // keep bbox commas readable
  }

  function schedule(immediate) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () {
      timer = null;
      load();
    }, immediate ? 0 : DEBOUNCE_MS);
  }

  function load() {
    var query = buildQuery();
    if (query === lastQuery) return; // same view & filters: already shown or in flight
    if (controller) controller.abort();
    var ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    controller = ctrl;
    lastQuery = query;
    container.setAttribute('aria-busy', 'true');

    var url = apiUrl + (apiUrl.indexOf('?') === -1 ? '?' : '&') + query;
    fetch(url, {
      headers: { Accept: 'application/geo+json, application/json' },
      credentials: 'same-origin',
      signal: ctrl ? ctrl.signal : undefined,
    })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (data) {
        if (controller !== ctrl) return;
        var features = data && Array.isArray(data.features) ? data.features : [];
        var total = render(features);
        setStatus(total === 0 ? TEXT.none : total === 1 ? TEXT.showingOne : TEXT.showingMany.replace('{n}', formatNumber(total)));
      })
      .catch(function (err) {
        if (err && err.name === 'AbortError') return;
        if (controller !== ctrl) return;
        lastQuery = null; // allow a retry for the same view
        setStatus(TEXT.loadError);
      })
      .then(function () {
        if (controller === ctrl) {
          controller = null;
          container.removeAttribute('aria-busy');
        }
      });
  }

  function setStatus(text) {
    if (statusEl) statusEl.textContent = text;
  }

  map.on('moveend zoomend', function () { schedule(false); });

  // ---- filters form -------------------------------------------------------------
  if (form) {
    var onFiltersChanged = function () {
      updateUrl();
      lastQuery = null;
      schedule(true);
    };
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      onFiltersChanged();
    });
    form.addEventListener('change', function (e) {
      var name = e.target && e.target.name;
      if (FILTER_NAMES.indexOf(name) !== -1) onFiltersChanged();
    });
  }

  function updateUrl() {
    if (!window.history || typeof window.history.replaceState !== 'function') return;
    var url = new URL(window.location.href);
    var filters = currentFilters();
    FILTER_NAMES.forEach(function (name) {
      if (filters[name]) url.searchParams.set(name, filters[name]);
      else url.searchParams.delete(name);
    });
    url.searchParams.delete('page'); // a filter change invalidates list paging
    try {
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    } catch (_) {
      /* ignore (e.g. sandboxed iframes) */
    }
  }

  // First load for the initial view.
  setStatus(TEXT.loading);
  schedule(true);

  // ---- helpers -----------------------------------------------------------------
  function onActivateKey(marker, action, includeEnter) {
    marker.on('add', function () {
      var el = marker.getElement();
      if (!el || el.__signalKeyBound) return;
      el.__signalKeyBound = true;
      el.addEventListener('keydown', function (e) {
        if (e.key === ' ' || e.key === 'Spacebar' || (includeEnter && e.key === 'Enter')) {
          e.preventDefault();
          e.stopPropagation();
          action();
        }
      });
    });
  }

  function showTileNote(theMap, text) {
    var Note = L.Control.extend({
      options: { position: 'bottomleft' },
      onAdd: function () {
        var p = L.DomUtil.create('p', 'map-tile-error');
        p.setAttribute('role', 'status');
        p.textContent = text;
        L.DomEvent.disableClickPropagation(p);
        L.DomEvent.disableScrollPropagation(p);
        return p;
      },
    });
    new Note().addTo(theMap);
  }

  function pickLang(value) {
    return String(value || '').toLowerCase().indexOf('en') === 0 ? 'en' : 'bg';
  }

  function safeNumberFormat(loc) {
    try {
      return new Intl.NumberFormat(loc);
    } catch (_) {
      return null;
    }
  }

  function formatNumber(n) {
    return numberFormat ? numberFormat.format(n) : String(n);
  }

  function formatDate(value) {
    var d = new Date(value);
    if (isNaN(d.getTime())) return String(value);
    try {
      return d.toLocaleDateString(locale, { timeZone: 'Europe/Sofia' });
    } catch (_) {
      return d.toLocaleDateString(locale);
    }
  }

  function safeUrl(value) {
    if (!value) return null;
    try {
      var u = new URL(String(value), window.location.href);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
      return u.origin === window.location.origin ? u.pathname + u.search + u.hash : u.href;
    } catch (_) {
      return null;
    }
  }

  function clamp(n, min, max) {
    return Math.min(max, Math.max(min, n));
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
})();
