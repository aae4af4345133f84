/* KIM Admin: small page-wide adjustments on top of Flask-Admin (no inline scripts: CSP-ready).
 * Texts come translated from the server in <script type="application/json" id="kim-i18n">. */
(function () {
  "use strict";
  var source = document.getElementById("kim-i18n");
  if (!source) { return; }
  var text = JSON.parse(source.textContent);

  // Flask-Admin's base template writes a bare <html>: say which language the page is in.
  document.documentElement.lang = text.lang;

  // Confirmations without inline onclick handlers (the CSP forbids them): any submit button or
  // link with data-confirm asks first.
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // Menu entries that are buttons, not links (filters, actions): never follow their "#".
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest('a[href="#"][role="button"]') : null;
    if (target) { event.preventDefault(); }
  });

  // Bulk actions ("With selected" menu) without inline handlers.
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-model-action]") : null;
    if (target && window.modelActions) {
      event.preventDefault();
      window.modelActions.execute(target.getAttribute("data-model-action"));
    }
  });

  // "Add" buttons of inline rows (an activity's participants, a board's members).
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-inline-add]") : null;
    if (target && window.faForm) {
      event.preventDefault();
      window.faForm.addInlineField(target, target.getAttribute("data-inline-add"));
    }
  });

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
