// "Copy address" buttons: <button data-copy="id-of-a-field" data-copied="Copied">
(function () {
  if (window.treffpunktCopy) return;
  window.treffpunktCopy = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    var done = function () {
      button.textContent = button.dataset.copied || button.textContent;
    };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        document.execCommand("copy") && done();
      });
    } else if (document.execCommand("copy")) {
      done();
    }
  });
})();
