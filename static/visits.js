// "Add my location" on the visit form: fills its hidden latitude and longitude. Never needed:
// without script, or when the phone refuses, the visit is recorded without a location.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-locate]");
  if (!button || !navigator.geolocation) return;
  const status = document.getElementById(button.dataset.locate);
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.geolocation.getCurrentPosition(
      (position) => {
        button.form.elements.latitude.value = position.coords.latitude.toFixed(6);
        button.form.elements.longitude.value = position.coords.longitude.toFixed(6);
        status.textContent = button.dataset.done;
      },
      () => { status.textContent = button.dataset.failed; },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
});
