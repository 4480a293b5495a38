// Confirms an order's card payment with Stripe's Payment Element. On success Stripe sends
// the browser back to the order page, which reads the PaymentIntent and shows it paid; a
// declined card is reported here and the form stays ready for another attempt.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("card-payment");
  if (!form || typeof Stripe === "undefined") return;
  var stripe = Stripe(form.dataset.publishableKey, { locale: form.dataset.locale });
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  var button = form.querySelector("#pay");
  var message = document.getElementById("payment-message");
  elements.create("payment").mount("#payment-element");
  button.disabled = false;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    message.textContent = "";
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        if (result.error) {
          message.textContent = result.error.message;
          button.disabled = false;
        }
      });
  });
});
