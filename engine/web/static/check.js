// Checks the pack form while it is typed: posts it to the page's check URL (the same compiler as
// `jixiao rules lint`) and shows each field's message beside it. Without scripts the form still
// works: "核对并预览影响" runs the same checks on the server.
(function () {
  var form = document.getElementById("pack-form");
  if (!form) return;
  var timer = null;
  function show(data) {
    form.querySelectorAll(".field-error").forEach(function (el) {
      el.textContent = (data.errors && data.errors[el.dataset.field]) || "";
    });
    var box = document.getElementById("problems");
    box.textContent = "";
    (data.problems || []).forEach(function (p) {
      var div = document.createElement("div");
      div.textContent = p;
      box.appendChild(div);
    });
  }
  function check() {
    var body = new FormData(form);
    fetch(form.dataset.check, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.json(); }).then(show).catch(function () {});
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();
