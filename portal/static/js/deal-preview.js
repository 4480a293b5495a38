// Re-prices the cart when a registered deal is chosen, so the breakdown shows its discount
// before the order is placed (without JavaScript the order is still priced with the deal).
document.addEventListener("DOMContentLoaded", function () {
  var select = document.querySelector("[data-preview-url]");
  if (!select) return;
  select.addEventListener("change", function () {
    var url = new URL(select.dataset.previewUrl, window.location.href);
    if (select.value) url.searchParams.set("deal", select.value);
    window.location.assign(url.toString());
  });
});
