// Shows the one-line suggestion to read the page in the language the visitor prefers:
// the one chosen before (the language cookie), else the first of the browser's languages
// that the site offers. Nothing when that is the page's own language; never a redirect.
(function () {
  "use strict";
  var box = document.querySelector(".language-suggestions");
  if (!box) return;
  // the page's language code (Easy-to-read German's "de-x-ls" has lang="de" on <html>)
  var page = (box.getAttribute("data-page") || document.documentElement.lang || "").toLowerCase();
  var name = box.getAttribute("data-cookie") || "django_language";
  var chosen = null;
  document.cookie.split(";").forEach(function (part) {
    var pair = part.trim().split("=");
    if (pair[0] === name && pair[1]) chosen = decodeURIComponent(pair[1]).toLowerCase();
  });
  var offered = {};
  box.querySelectorAll(".language-suggestion[data-language]").forEach(function (line) {
    offered[line.getAttribute("data-language")] = line;
  });
  var wanted = chosen;
  if (!wanted) {
    var languages = navigator.languages && navigator.languages.length
      ? navigator.languages : [navigator.language || ""];
    for (var i = 0; i < languages.length; i++) {
      var code = String(languages[i]).toLowerCase().split("-")[0];
      if (code === page || offered[code]) { wanted = code; break; }
    }
  }
  if (wanted && wanted !== page && offered[wanted]) offered[wanted].hidden = false;
})();
