/* Passkeys (WebAuthn) for step 2 of logging in: add one, or use one. The server (vangnet.accounts.passkeys)
   makes the options and checks the answers; this file only converts between JSON and the browser's API. */
(function () {
  "use strict";

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer), binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, "Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    });
  }

  function fail(button, text) {
    var status = document.getElementById(button.dataset.status);
    status.textContent = text;
    status.hidden = false;
  }

  function register(button) {
    return post(button.dataset.optionsUrl, button.dataset.csrf).then(function (result) {
      if (!result.ok) { fail(button, result.data.message); return null; }
      var options = result.data;
      options.challenge = toBuffer(options.challenge);
      options.user.id = toBuffer(options.user.id);
      (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
      return navigator.credentials.create({publicKey: options});
    }).then(function (credential) {
      if (!credential) { return null; }
      return post(button.dataset.url, button.dataset.csrf, {
        name: document.getElementById(button.dataset.name).value,
        credential: {
          id: credential.id, rawId: toText(credential.rawId), type: credential.type,
          response: {
            clientDataJSON: toText(credential.response.clientDataJSON),
            attestationObject: toText(credential.response.attestationObject),
            transports: credential.response.getTransports ? credential.response.getTransports() : []
          },
          clientExtensionResults: credential.getClientExtensionResults()
        }
      });
    });
  }

  function login(button) {
    return post(button.dataset.optionsUrl, button.dataset.csrf).then(function (result) {
      var options = result.data;
      options.challenge = toBuffer(options.challenge);
      (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
      return navigator.credentials.get({publicKey: options});
    }).then(function (credential) {
      var response = credential.response;
      return post(button.dataset.url, button.dataset.csrf, {
        credential: {
          id: credential.id, rawId: toText(credential.rawId), type: credential.type,
          response: {
            clientDataJSON: toText(response.clientDataJSON),
            authenticatorData: toText(response.authenticatorData),
            signature: toText(response.signature),
            userHandle: response.userHandle ? toText(response.userHandle) : null
          },
          clientExtensionResults: credential.getClientExtensionResults()
        }
      });
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-passkey]");
    if (!button) { return; }
    if (!window.PublicKeyCredential) { fail(button, button.dataset.cancelled); return; }
    button.disabled = true;
    var action = button.dataset.passkey === "register" ? register : login;
    action(button).then(function (result) {
      if (!result) { return; }
      if (result.ok) { window.location.assign(result.data.redirect); } else { fail(button, result.data.message); }
    }).catch(function () {
      fail(button, button.dataset.cancelled);
    }).then(function () { button.disabled = false; });
  });
})();
