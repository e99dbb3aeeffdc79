// The sign-up forms of an event under attack ask for a small proof of work (about a second
// of hashing) before they post. Served by the site itself; nothing is loaded from elsewhere.
// Without JavaScript, or when this fails, the form posts as it is: the sign-up then holds no
// place until the address is confirmed.
(function () {
  "use strict";
  if (!window.crypto || !window.crypto.subtle || !window.fetch || !window.TextEncoder) return;

  function zeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      var b = bytes[i];
      while (!(b & 0x80)) { count += 1; b <<= 1; }
      return count;
    }
    return count;
  }

  async function solve(challenge, bits) {
    var encoder = new TextEncoder();
    for (var nonce = 0; nonce < 50000000; nonce++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + nonce));
      if (zeroBits(new Uint8Array(digest)) >= bits) return String(nonce);
    }
    return "";
  }

  function field(form, name, value) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  document.querySelectorAll("form[data-challenge]").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      if (form.dataset.solved === "1") return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var status = form.querySelector("[data-challenge-status]");
      if (button) button.disabled = true;
      try {
        var response = await fetch(form.dataset.challenge, { credentials: "same-origin" });
        var data = await response.json();
        if (data.required) {
          if (status) status.hidden = false;
          field(form, "pow_challenge", data.challenge);
          field(form, "pow_nonce", await solve(data.challenge, data.bits));
        }
      } catch (error) {
        // post without it: the server still accepts the sign-up
      }
      form.dataset.solved = "1";
      if (button) button.disabled = false;
      form.submit();
    });
  });
})();
