// Preview helper injected by `pledgesite serve`: reloads the page when the
// site is rebuilt, swaps the stylesheet when only styles changed, and shows
// the build's errors over the page until the sources are fixed.
(function () {
  'use strict';
  var overlay = null;
  function showErrors(text) {
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'pledgesite-errors';
      overlay.setAttribute('role', 'alert');
      var s = overlay.style;
      s.position = 'fixed'; s.inset = '0'; s.zIndex = '2147483647'; s.overflow = 'auto';
      s.background = 'rgba(20, 20, 20, 0.94)'; s.color = '#fff'; s.padding = '2rem';
      s.font = '15px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
      var h = document.createElement('h2');
      h.textContent = 'The site could not be rebuilt';
      h.style.color = '#ffb4a8'; h.style.margin = '0 0 1rem'; h.style.font = 'bold 1.3rem system-ui, sans-serif';
      var p = document.createElement('p');
      p.textContent = 'The preview shows the last good build. Fix these problems and save: the page reloads by itself.';
      p.style.font = '1rem system-ui, sans-serif';
      var pre = document.createElement('pre');
      pre.style.whiteSpace = 'pre-wrap';
      overlay.appendChild(h);
      overlay.appendChild(p);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.querySelector('pre').textContent = text;
  }
  var me = document.currentScript;
  var built = me ? me.getAttribute('data-build') : null;
  var es = new EventSource('/_pledgesite/events');
  // The server says which build is current when the stream opens: a page
  // from an older one reloads (a rebuild may finish while a page loads).
  es.addEventListener('build', function (e) {
    if (built !== null && e.data !== built && !document.getElementById('pledgesite-errors')) location.reload();
  });
  es.addEventListener('reload', function () { location.reload(); });
  es.addEventListener('css', function (e) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var u = new URL(links[i].href);
      if (u.pathname.indexOf('/css/') >= 0) links[i].href = e.data;
    }
  });
  es.addEventListener('errors', function (e) { showErrors(e.data); });
})();
