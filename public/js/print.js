// Enhancement: a visible "Print" button on the receipt; without JavaScript the browser's own print works.
(function () {
  document.querySelectorAll('[data-print]').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () { window.print(); });
  });
})();
