/* KIM Admin: small page-wide adjustments on top of Flask-Admin (no inline scripts: CSP-ready).
 * Texts come translated from the server in <script type="application/json" id="kim-i18n">. */
(function () {
  "use strict";
  var source = document.getElementById("kim-i18n");
  if (!source) { return; }
  var text = JSON.parse(source.textContent);

  // Flask-Admin's base template writes a bare <html>: say which language the page is in.
  document.documentElement.lang = text.lang;

  // select2 (3.5, shipped by Flask-Admin) has its own English messages.
  if (window.jQuery && jQuery.fn.select2) {
    jQuery.extend(jQuery.fn.select2.defaults, {
      formatNoMatches: function () { return text.noMatches; },
      formatSearching: function () { return text.searching; },
      formatLoadMore: function () { return text.loadMore; },
      formatAjaxError: function () { return text.ajaxError; },
      formatInputTooShort: function (input, min) { return text.inputTooShort.replace("%(count)s", min - input.length); }
    });
  }
}());
