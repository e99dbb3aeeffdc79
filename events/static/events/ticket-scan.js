// The check-in page reads QR tickets with the phone's camera where the browser can
// (BarcodeDetector); elsewhere the code is typed into the same form, which works without
// this script. A code read fills the field and sends the form: one scan, one check-in.
(function () {
  "use strict";
  var form = document.querySelector("[data-ticket-scan]");
  if (!form) return;
  var start = form.querySelector("[data-scan-start]");
  var stop = form.querySelector("[data-scan-stop]");
  var field = form.querySelector("input[name=code]");
  var video = document.querySelector("[data-scan-video]");
  var status = document.querySelector("[data-scan-status]");
  var media = navigator.mediaDevices;
  if (!("BarcodeDetector" in window) || !media || !media.getUserMedia) return;
  var stream = null;
  var timer = null;

  function halt() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  function look(detector) {
    detector.detect(video).then(function (codes) {
      var found = codes.filter(function (c) { return c.rawValue; })[0];
      if (found) {
        halt();
        field.value = found.rawValue;
        form.submit();
        return;
      }
      timer = setTimeout(function () { look(detector); }, 200);
    }).catch(function () {
      timer = setTimeout(function () { look(detector); }, 500);
    });
  }

  function begin() {
    var detector;
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (error) {
      status.textContent = status.getAttribute("data-text-denied");
      return;
    }
    media.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        start.hidden = true;
        stop.hidden = false;
        return video.play();
      })
      .then(function () { look(detector); })
      .catch(function () {
        halt();
        status.textContent = status.getAttribute("data-text-denied");
        field.focus();
      });
  }

  if (window.BarcodeDetector.getSupportedFormats) {
    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") !== -1) start.hidden = false;
    }).catch(function () {});
  } else {
    start.hidden = false;
  }
  start.addEventListener("click", begin);
  stop.addEventListener("click", halt);
})();
