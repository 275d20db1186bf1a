(function () {
  "use strict";

  // What each error code of the contract means for the person at this page.
  var ERROR_HELP = {
    bad_request: "The request is missing a parameter or is malformed: check the method's name and the data.",
    invalid_key: "The API key is missing or wrong. Enter the key of this stage in step 1.",
    unauthenticated: "This method needs a logged-in user, or the token has expired or been revoked. Log in (again) in step 2.",
    invalid_credentials: "Wrong username or password, or the user is disabled.",
    forbidden: "You are logged in, but none of your roles may call this method. Log in as a user who holds one.",
    unknown_module: "There is no module of that name. Pick a method from the list in step 3.",
    unknown_method: "The module has no such external method (internal methods cannot be called over HTTP). Pick one from the list in step 3.",
    method_not_allowed: "The endpoint serves GET and POST only.",
    not_found: "There is nothing at this address.",
    payload_too_large: "The data is larger than the gateway accepts (its MAX_BODY_BYTES setting). Send less.",
    unsupported_media_type: "The gateway does not read a body of that type; it reads form fields, multipart and JSON.",
    invalid_input: "The method refused the data it was given; its message (and the list of problems, each at a place in the data) says why.",
    too_many_attempts: "Too many failed logins for this username: it is locked for a while (15 minutes by default). Wait, then try again.",
    unavailable: "The gateway's storage did not answer. Nothing was granted; try again in a moment.",
    internal: "The server failed. The answer carries no detail on purpose; the gateway's log says why."
  };
  var OTHER_ERROR = "The method refused with a code of its own; its message says why.";
  var REASONS = {
    200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 413: "Payload Too Large", 415: "Unsupported Media Type",
    422: "Unprocessable Content", 429: "Too Many Requests", 500: "Internal Server Error",
    502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"
  };

  var $ = function (id) { return document.getElementById(id); };
  // /console -> /api, /api/console -> /api/api (API Gateway's stage prefix), wherever the page is served.
  var endpoint = new URL(location.pathname.replace(/console\/?$/, "api"), location.origin).href;
  var state = { token: null, session: null, user: null, methods: [], fieldCount: 0, schema: null };

  function key() { return $("key").value.trim(); }

  function bracketPairs(prefix, value, pairs) {
    if (value === null || value === undefined) { return pairs; }
    if (Array.isArray(value)) {
      value.forEach(function (item, i) { bracketPairs(prefix + "[" + i + "]", item, pairs); });
    } else if (typeof value === "object") {
      Object.keys(value).forEach(function (name) { bracketPairs(prefix + "[" + name + "]", value[name], pairs); });
    } else if (typeof value === "boolean") {
      pairs.push([prefix, value ? "1" : "0"]);  // as PHP's http_build_query writes them
    } else {
      pairs.push([prefix, String(value)]);
    }
    return pairs;
  }

  function fieldName(name) {
    var open = name.indexOf("[");
    if (open === -1) { return "data[" + name + "]"; }
    if (open === 0) { return "data" + name; }
    return "data[" + name.slice(0, open) + "]" + name.slice(open);
  }

  // One call of /api. data: {kind: "none"} | {kind: "json", value} | {kind: "fields", rows: [[name, value]]}
  function buildRequest(verb, target, data, options) {
    var params = [["key", key()], ["module", target.module], ["method", target.method]];
    (options.extra || []).forEach(function (pair) { params.push(pair); });
    var headers = {};
    var token = options.token === undefined ? state.token : options.token;
    if (token) { headers.Authorization = "Bearer " + token; }
    var url = endpoint;
    var body;
    if (verb === "POST" && data.kind === "json") {
      var payload = {};
      params.forEach(function (pair) { payload[pair[0]] = pair[1]; });
      payload.data = data.value;
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(payload);
    } else {
      if (data.kind === "json") {
        if (data.value !== null && typeof data.value !== "object") {
          params.push(["data", typeof data.value === "boolean" ? (data.value ? "1" : "0") : String(data.value)]);
        } else {
          bracketPairs("data", data.value, params);
        }
      } else if (data.kind === "fields") {
        data.rows.forEach(function (row) { params.push([fieldName(row[0]), row[1]]); });
      }
      var encoded = new URLSearchParams(params).toString();
      if (verb === "GET") {
        url = endpoint + "?" + encoded;
      } else {
        headers["Content-Type"] = "application/x-www-form-urlencoded";
        body = encoded;
      }
    }
    return { verb: verb, url: url, headers: headers, body: body };
  }

  async function send(verb, target, data, options) {
    var request = buildRequest(verb, target, data, options || {});
    var started = performance.now();
    var answer = { request: request, status: 0, headers: [], text: "", json: undefined, error: null, id: null };
    try {
      // credentials "omit": the console authenticates with its token only, never the session cookie,
      // so that logging out here really logs out.
      var response = await fetch(request.url, {
        method: request.verb, headers: request.headers, body: request.body, credentials: "omit", cache: "no-store"
      });
      answer.status = response.status;
      answer.id = response.headers.get("x-request-id");
      response.headers.forEach(function (value, name) { answer.headers.push([name, value]); });
      answer.headers.sort(function (a, b) { return a[0] < b[0] ? -1 : 1; });
      answer.text = await response.text();
      if ((response.headers.get("content-type") || "").indexOf("json") !== -1 && answer.text) {
        try { answer.json = JSON.parse(answer.text); } catch (ignored) { answer.json = undefined; }
      }
      var error = answer.json && answer.json.error;
      if (!response.ok && error && typeof error.code === "string") {
        answer.error = { code: error.code, message: String(error.message || "") };
      } else if (!response.ok) {
        answer.error = { code: "http_" + response.status, message: answer.text.slice(0, 200) };
      }
    } catch (failure) {
      answer.error = { code: "network", message: String(failure && failure.message || failure) };
    }
    answer.ms = Math.round(performance.now() - started);
    return answer;
  }

  function help(error) {
    if (error.code === "network") {
      return "The API did not answer: the server is down or unreachable from this page.";
    }
    return ERROR_HELP[error.code] || OTHER_ERROR;
  }

  function explain(error) {
    return help(error) + (error.message ? " (" + error.message + ")" : "");
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function requestText(request) {
    var lines = [request.verb + " " + request.url];
    Object.keys(request.headers).forEach(function (name) {
      var value = name === "Authorization" ? "Bearer " + request.headers[name].slice(7, 13) + "…" : request.headers[name];
      lines.push(name + ": " + value);
    });
    if (request.body !== undefined) { lines.push("", request.body.replace(/("password":")[^"]*"/, "$1…\"")); }
    return lines.join("\n");
  }

  function showAnswer(answer, shown) {
    $("answer-empty").hidden = true;
    $("answer-body").hidden = false;
    var status = $("answer-status");
    status.textContent = answer.status
      ? answer.status + " " + (REASONS[answer.status] || "") + " · " + answer.ms + " ms"
      : "No answer · " + answer.ms + " ms";
    status.className = "badge " + (answer.status >= 200 && answer.status < 300 ? "ok" : "bad");
    // The id the gateway's logs name this request by: quote it when asking what happened.
    $("answer-id").hidden = !answer.id;
    $("answer-id-value").textContent = answer.id || "";
    var box = $("answer-explain");
    clear(box);
    box.hidden = !answer.error;
    if (answer.error) {
      var title = element("p");
      title.appendChild(element("strong", answer.error.code));
      if (answer.error.message) { title.appendChild(document.createTextNode(": " + answer.error.message)); }
      box.appendChild(title);
      var details = answer.json && answer.json.error && answer.json.error.details;
      if (Array.isArray(details) && details.length) {
        var problems = element("ul", undefined, "details");
        details.forEach(function (detail) {
          problems.appendChild(element("li", (detail.path || "data") + ": " + detail.message));
        });
        box.appendChild(problems);
      }
      box.appendChild(element("p", help(answer.error)));
    }
    $("request-text").textContent = requestText(answer.request);
    var list = $("headers");
    clear(list);
    answer.headers.forEach(function (pair) {
      list.appendChild(element("dt", pair[0]));
      list.appendChild(element("dd", pair[1]));
    });
    var body = shown !== undefined ? shown : answer.json;
    $("body-text").textContent = body !== undefined ? JSON.stringify(body, null, 2) : (answer.text || "(empty)");
  }

  // Methods you may call, from discovery (system.methods) with the key and the current token.
  async function loadMethods() {
    var status = $("methods-status");
    if (!key()) {
      state.methods = [];
      renderMethods();
      status.textContent = "Enter the API key in step 1 to list the methods.";
      return;
    }
    status.textContent = "Loading the methods…";
    var answer = await send("GET", { module: "system", method: "methods" }, { kind: "none" });
    if (answer.error) {
      state.methods = [];
      renderMethods();
      status.textContent = "Could not list the methods: " + explain(answer.error);
      return;
    }
    state.methods = (answer.json && answer.json.methods) || [];
    renderMethods();
    status.textContent = state.methods.length + " methods you may call " +
      (state.user ? "as " + state.user.username : "without logging in") + ". Choose one to call it.";
  }

  function renderMethods() {
    var list = $("methods");
    var names = $("method-names");
    clear(list);
    clear(names);
    state.methods.forEach(function (spec) {
      var button = element("button");
      button.type = "button";
      button.dataset.name = spec.name;
      button.setAttribute("aria-pressed", String(spec.name === $("target").value.trim()));
      button.appendChild(element("span", spec.name, "name"));
      button.appendChild(element("span", spec.format ? spec.format : "as is", "format"));
      if (spec.description) { button.appendChild(element("span", spec.description, "summary")); }
      button.addEventListener("click", function () { chooseMethod(spec.name); });
      var item = element("li");
      item.appendChild(button);
      list.appendChild(item);
      var option = element("option");
      option.value = spec.name;
      option.label = spec.format || "as is";
      names.appendChild(option);
    });
    markChosen();  // the chosen method's description and schema form, as this caller may now see them
  }

  function chooseMethod(name) {
    $("target").value = name;
    markChosen();
    var mode = document.querySelector("input[name=mode]:checked").value;
    var next = mode === "json" ? $("data-json")
      : mode === "schema" ? document.querySelector("#schema-fields input, #schema-fields select, #schema-fields textarea")
      : document.querySelector("#fields input");
    (next || $("call")).focus();
  }

  function markChosen() {
    var chosen = $("target").value.trim();
    document.querySelectorAll("#methods button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.name === chosen));
    });
    var spec = state.methods.filter(function (candidate) { return candidate.name === chosen; })[0];
    var description = $("method-description");
    description.textContent = spec && spec.description ? spec.description : "";
    description.hidden = !(spec && spec.description);
    var schema = spec && spec.schema && typeof spec.schema === "object" ? spec.schema : null;
    if (schema !== state.schema) { buildSchemaForm(schema); }
  }

  // -- a form made from the chosen method's declared schema ----------------------------------

  function kindOf(schema) {
    var type = schema && schema.type;
    if (Array.isArray(type)) { type = type.filter(function (t) { return t !== "null"; })[0]; }
    if (schema && Array.isArray(schema.enum)) { return "enum"; }
    return type || "json";
  }

  // One labelled control for a value of `schema`; read() gives [present, value] or throws.
  function schemaControl(name, schema, required, n) {
    var box = element("div", undefined, "schema-field");
    var id = "schema-field-" + n;
    var label = element("label");
    label.htmlFor = id;
    label.appendChild(element("code", name));
    if (required) {
      label.appendChild(document.createTextNode(" "));
      var mark = element("span", "*", "required");
      mark.setAttribute("aria-label", "required");
      label.appendChild(mark);
    }
    var kind = kindOf(schema);
    var control;
    if (kind === "enum" || kind === "boolean") {
      control = element("select");
      var choices = kind === "boolean" ? [true, false] : schema.enum;
      control.appendChild(element("option", "(leave out)"));
      control.options[0].value = "";
      choices.forEach(function (choice, i) {
        var option = element("option", typeof choice === "string" ? choice : JSON.stringify(choice));
        option.value = String(i);
        control.appendChild(option);
      });
      control.read = function () {
        return control.value === "" ? [false] : [true, choices[Number(control.value)]];
      };
    } else if (kind === "object" || kind === "array" || kind === "json") {
      control = element("textarea");
      control.rows = 2;
      control.spellcheck = false;
      control.placeholder = kind === "array" ? "[ ... ] as JSON" : "a JSON value";
      control.read = function () {
        var text = control.value.trim();
        if (!text) { return [false]; }
        try { return [true, JSON.parse(text)]; } catch (failure) {
          throw new Error(name + " is not valid JSON: " + failure.message);
        }
      };
    } else {
      control = element("input");
      control.type = kind === "integer" || kind === "number" ? "number" : "text";
      if (kind === "integer") { control.step = "1"; }
      if (typeof schema.minimum === "number") { control.min = String(schema.minimum); }
      if (typeof schema.maximum === "number") { control.max = String(schema.maximum); }
      if (typeof schema.maxLength === "number") { control.maxLength = schema.maxLength; }
      control.spellcheck = false;
      control.read = function () {
        if (control.value === "") { return [false]; }
        if (kind !== "integer" && kind !== "number") { return [true, control.value]; }
        var number = Number(control.value);
        if (!isFinite(number)) { throw new Error(name + " must be a number"); }
        return [true, number];
      };
    }
    control.id = id;
    control.className = "schema-input";
    control.dataset.name = name;
    if (required) { control.setAttribute("aria-required", "true"); }
    var hints = [];
    if (schema.description) { hints.push(schema.description); }
    if (schema.default !== undefined) { hints.push("default: " + JSON.stringify(schema.default)); }
    box.appendChild(label);
    box.appendChild(control);
    if (hints.length) {
      var hint = element("p", hints.join(" · "), "hint");
      hint.id = id + "-hint";
      control.setAttribute("aria-describedby", hint.id);
      box.appendChild(hint);
    }
    return { box: box, read: control.read };
  }

  function buildSchemaForm(schema) {
    state.schema = schema;
    state.schemaControls = [];
    var holder = $("schema-fields");
    clear(holder);
    var radio = document.querySelector("input[name=mode][value=schema]");
    radio.disabled = !schema;
    if (!schema) {
      if (radio.checked) { document.querySelector("input[name=mode][value=json]").checked = true; }
      showMode();
      return;
    }
    var n = 0;
    if (kindOf(schema) === "object" && schema.properties) {
      var required = schema.required || [];
      Object.keys(schema.properties).forEach(function (name) {
        n += 1;
        var control = schemaControl(name, schema.properties[name] || {}, required.indexOf(name) !== -1, n);
        control.name = name;
        state.schemaControls.push(control);
        holder.appendChild(control.box);
      });
    } else {
      var single = schemaControl("data", schema, false, 1);
      single.name = null;
      state.schemaControls.push(single);
      holder.appendChild(single.box);
    }
    radio.checked = true;
    showMode();
  }

  function readSchemaForm() {
    var single = state.schemaControls.length === 1 && state.schemaControls[0].name === null;
    if (single) {
      var read = state.schemaControls[0].read();
      return read[0] ? { kind: "json", value: read[1] } : { kind: "none" };
    }
    var value = {};
    state.schemaControls.forEach(function (control) {
      var read = control.read();
      if (read[0]) { value[control.name] = read[1]; }
    });
    return { kind: "json", value: value };
  }

  function showSession() {
    var loggedIn = Boolean(state.token);
    $("login-form").hidden = loggedIn;
    $("session").hidden = !loggedIn;
    $("who").textContent = loggedIn
      ? "Logged in as " + state.user.username + " (roles: " + (state.user.roles.join(", ") || "none") +
        "). Calls carry the token as Authorization: Bearer."
      : "";
  }

  function shortened(body) {
    var copy = JSON.parse(JSON.stringify(body));
    ["token", "session"].forEach(function (name) {
      if (typeof copy[name] === "string") { copy[name] = copy[name].slice(0, 6) + "… (kept in this page)"; }
    });
    return copy;
  }

  async function logIn(event) {
    event.preventDefault();
    var status = $("login-status");
    if (!key()) {
      status.textContent = "Enter the API key in step 1 first.";
      $("key").focus();
      return;
    }
    var username = $("username").value.trim();
    var password = $("password").value;
    if (!username || !password) {
      status.textContent = "Enter a username and a password.";
      (username ? $("password") : $("username")).focus();
      return;
    }
    $("login").disabled = true;
    status.textContent = "Logging in…";
    var answer = await send(
      "POST", { module: "users", method: "login" }, { kind: "json", value: { username: username, password: password } },
      { token: null }
    );
    $("login").disabled = false;
    if (answer.error) {
      status.textContent = "Not logged in: " + explain(answer.error);
      showAnswer(answer);
      $("password").focus();
      return;
    }
    var body = answer.json;
    state.token = body.token;
    state.session = { name: body.session_name, id: body.session };
    state.user = body.user;
    $("password").value = "";
    status.textContent = "";
    showSession();
    showAnswer(answer, shortened(body));
    $("logout").focus();
    await loadMethods();
  }

  async function logOut() {
    var status = $("login-status");
    $("logout").disabled = true;
    var answer = await send("POST", { module: "users", method: "logout" }, { kind: "none" });
    if (state.session && state.session.name) {
      // The login's session is a credential of its own: end it too (sent as the session parameter).
      await send("POST", { module: "users", method: "logout" }, { kind: "none" },
        { token: null, extra: [[state.session.name, state.session.id]] });
    }
    $("logout").disabled = false;
    state.token = null;
    state.session = null;
    state.user = null;
    showSession();
    showAnswer(answer);
    status.textContent = answer.error
      ? "Logged out here; the server said: " + explain(answer.error)
      : "Logged out: the token and the session of that login are revoked.";
    $("username").focus();
    await loadMethods();
  }

  // One input of a form-field row: its part ("name" or "value"), the row's number, its text.
  function fieldInput(part, n, text) {
    var input = element("input");
    input.type = "text";
    input.className = "field-" + part;
    input.placeholder = part;
    input.spellcheck = false;
    input.setAttribute("aria-label", "Field " + n + " " + part);
    input.value = text || "";
    return input;
  }

  function addField(name, value) {
    state.fieldCount += 1;
    var n = state.fieldCount;
    var item = element("li");
    var nameInput = fieldInput("name", n, name);
    var valueInput = fieldInput("value", n, value);
    var remove = element("button", "Remove");
    remove.type = "button";
    remove.setAttribute("aria-label", "Remove field " + n);
    remove.addEventListener("click", function () {
      item.remove();
      $("add-field").focus();
    });
    item.appendChild(nameInput);
    item.appendChild(valueInput);
    item.appendChild(remove);
    $("fields").appendChild(item);
    return nameInput;
  }

  function showMode() {
    var mode = document.querySelector("input[name=mode]:checked").value;
    $("schema-editor").hidden = mode !== "schema";
    $("json-editor").hidden = mode !== "json" && mode !== "schema";  // beside the form, showing what it sends
    $("data-json").readOnly = mode === "schema";
    $("fields-editor").hidden = mode !== "fields";
    if (mode === "schema") { syncJson(); }
  }

  function syncJson() {
    try {
      var data = readSchemaForm();
      $("data-json").value = data.kind === "none" ? "" : JSON.stringify(data.value, null, 2);
    } catch (ignored) { /* shown when the call is made */ }
  }

  function readData() {
    var mode = document.querySelector("input[name=mode]:checked").value;
    if (mode === "schema") { return readSchemaForm(); }
    if (mode === "fields") {
      var rows = [];
      document.querySelectorAll("#fields li").forEach(function (item) {
        var name = item.querySelector(".field-name").value.trim();
        var value = item.querySelector(".field-value").value;
        if (name || value) { rows.push([name, value]); }
      });
      return rows.length ? { kind: "fields", rows: rows } : { kind: "none" };
    }
    var text = $("data-json").value.trim();
    if (!text) { return { kind: "none" }; }
    try {
      return { kind: "json", value: JSON.parse(text) };
    } catch (failure) {
      throw new Error("The data is not valid JSON: " + failure.message +
        ". Write a JSON value such as {\"age\": 42} or \"Ann\", or leave it empty.");
    }
  }

  async function callMethod(event) {
    event.preventDefault();
    var problem = $("call-problem");
    problem.textContent = "";
    $("target").removeAttribute("aria-invalid");
    $("data-json").removeAttribute("aria-invalid");
    var parts = $("target").value.trim().split(".");
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      problem.textContent = "Name the method as module.method, for example demo.hello.";
      $("target").setAttribute("aria-invalid", "true");
      $("target").focus();
      return;
    }
    if (!key()) {
      problem.textContent = "Enter the API key in step 1 first.";
      $("key").focus();
      return;
    }
    var data;
    try {
      data = readData();
    } catch (failure) {
      problem.textContent = failure.message;
      $("data-json").setAttribute("aria-invalid", "true");
      $("data-json").focus();
      return;
    }
    var verb = document.querySelector("input[name=verb]:checked").value;
    $("call").disabled = true;
    var answer = await send(verb, { module: parts[0], method: parts[1] }, data);
    $("call").disabled = false;
    showAnswer(answer);
  }

  function start() {
    $("endpoint").textContent = endpoint;
    var given = new URLSearchParams(location.search).get("key");
    if (given) { $("key").value = given; }
    $("key-form").addEventListener("submit", function (event) { event.preventDefault(); loadMethods(); });
    $("key").addEventListener("change", loadMethods);
    $("login-form").addEventListener("submit", logIn);
    $("logout").addEventListener("click", logOut);
    $("call-form").addEventListener("submit", callMethod);
    $("target").addEventListener("input", markChosen);
    $("add-field").addEventListener("click", function () { addField().focus(); });
    $("schema-fields").addEventListener("input", syncJson);
    $("schema-fields").addEventListener("change", syncJson);
    document.querySelectorAll("input[name=mode]").forEach(function (radio) {
      radio.addEventListener("change", showMode);
    });
    addField();
    showMode();
    showSession();
    loadMethods();
  }

  start();
}());
