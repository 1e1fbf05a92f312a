// The pages' few behaviours, from data attributes: the Content-Security-Policy allows no inline script.
//   data-confirm="…"   a button asks before its form is sent (once the browser's own checks pass: an empty
//                      required box is said before a final decision is confirmed)
//   data-back          a link goes back one page (its href is where it goes without script)
//   data-print         a button prints the page (the print style keeps the answer's recap, on one page)
//   data-charts="[…]"  bar charts drawn with huiqiBars (charts.js) from the JSON in the attribute
//   .error-summary     a form's error summary takes the focus when shown
//   #flash             the message after an action takes the focus (read first, as GOV.UK's success banner), and
//                      stands beside the part of the page the address names (/messages#subscriptions), in view
//   [data-focus]       content htmx brings (the calculator's answer, a matter row just added) takes the focus,
//                      so a keyboard or screen-reader user is where the new content is, not left below it
//   data-remove="id"   a button (hidden without script) takes a calculator row it belongs to off the form; the
//                      focus goes to 再添一个事项 (without script, a row whose types are all unticked is left out)
//   data-select-all="name"  a checkbox (hidden without script) ticks or clears every checkbox of that name
//   data-busy="…"      a long step's submit button: once its form is sent it says so, and a second click sends
//                      nothing (a batch is sent once; the page that answers replaces this one)
//   data-elder         the header's 适老化 button: larger type, higher contrast, remembered in localStorage
//   form.binding       only the binding the chosen role needs is shown (without script every field shows)
//   [data-matter]      a matter's fieldset shows only the fields its checked types need (data-needed-by) and
//                      offers only the levels their rules accept (data-codes); without script all show
//   select[data-follows="id"]  offers only the options whose data-matters (a JSON list) names the value chosen in the select
//                      of that id (the measures supporting the matter's types); without script all show
//   [data-shown-by="id"][data-shown-for="value"]  shown only while the select of that id has that value (all while
//                      none is chosen), its controls disabled while hidden so not sent; without script all show
//   details[data-fold] a long section (a parameter group, a result's table): open on a wide screen and without script,
//                      folded on a phone unless it holds a value typed, a mistake (data-keep) or the part the address
//                      names; a link to a part inside a folded section opens it
//   data-only-changed="id"  a toggle (hidden without script) that hides the rows marked .same of the table of that id
//                      (the measures two reforms leave alone); pressed from the start on a phone
(function () {
  const PHONE = "(max-width: 760px)";  // as huiqi.css's phone
  function addressed() {
    try { return location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1))); }
    catch (e) { return null; }  // a malformed %… in the address
  }
  function reveal(target) {  // the folded sections around a part (and the part itself, if one), opened
    for (let d = target && target.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      d.open = true;
    }
  }
  function fold(root) {
    if (!window.matchMedia(PHONE).matches) return;
    const there = addressed();
    root.querySelectorAll("details[data-fold]:not([data-keep])").forEach(d => {
      const typed = Array.from(d.querySelectorAll("input:not([type=hidden]), textarea")).some(c => c.value);
      if (!typed && !(there && d.contains(there))) d.open = false;
    });
  }
  function onlyChanged(button, on) {
    const table = document.getElementById(button.dataset.onlyChanged);
    if (table) table.classList.toggle("only-changed", on);
    button.setAttribute("aria-pressed", String(on));
  }

  function syncShown(leader) {
    document.querySelectorAll("[data-shown-by]").forEach(part => {
      if (part.dataset.shownBy !== leader.id) return;
      const on = !leader.value || part.dataset.shownFor === leader.value;
      part.hidden = !on;
      part.querySelectorAll("input, select, textarea").forEach(control => { control.disabled = !on; });
    });
  }

  function syncFollower(select) {
    const leader = document.getElementById(select.dataset.follows);
    if (!leader) return;
    select.querySelectorAll("option[data-matters]").forEach(option => {
      const on = !leader.value || JSON.parse(option.dataset.matters).includes(leader.value);  // keys may hold spaces
      option.hidden = !on;
      option.disabled = !on;
      if (!on && option.selected) select.value = "";
    });
  }

  function syncMatter(box) {
    const chosen = new Set(Array.from(box.querySelectorAll("input[type=checkbox]:checked"), c => c.value));
    const wanted = el => el.split(" ").some(code => chosen.has(code));
    box.querySelectorAll("[data-needed-by]").forEach(field => {
      const on = wanted(field.dataset.neededBy);
      field.hidden = !on;
      field.querySelectorAll("input, select").forEach(control => { control.disabled = !on; });  // not sent
    });
    box.querySelectorAll("option[data-codes]").forEach(option => {
      const on = wanted(option.dataset.codes);
      option.hidden = !on;
      option.disabled = !on;
      if (!on && option.selected) option.parentElement.value = "";
    });
  }

  function syncBinding(form) {
    const role = form.querySelector("select[name=role]");
    if (!role) return;
    form.querySelectorAll("[data-role]").forEach(el => { el.hidden = el.dataset.role !== role.value; });
  }

  function init(root) {
    const summary = root.matches && root.matches(".error-summary") ? root : root.querySelector(".error-summary");
    if (summary) summary.focus();  // GOV.UK: the error summary takes the focus, so it is read first
    const whole = root === document || root === document.body;  // a page's load (htmx's first htmx:load is the body's)
    const flash = whole && !summary && document.getElementById("flash");
    if (flash && !flash.dataset.placed) {
      flash.dataset.placed = "1";
      let named = null;
      try { named = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1))); }
      catch (e) { named = null; }  // a malformed %… in the address: the message stays where it is
      if (named && named.id !== "main" && !named.contains(flash)) (named.closest("table") || named).before(flash);
      flash.tabIndex = -1;
      flash.focus();  // again once loaded: the browser's move to the address's #part clears the focus
      window.addEventListener("load", () => setTimeout(() => { if (!summary) flash.focus(); }, 0), { once: true });
    }
    const landing = !whole && (root.matches("[data-focus]") ? root : root.querySelector("[data-focus]"));
    if (!summary && landing) {
      const control = landing.matches("[tabindex], input, select, textarea, button") ? landing
        : landing.querySelector("input:not([type=hidden]), select, textarea");
      if (control) control.focus();
    }
    root.querySelectorAll("form.binding").forEach(syncBinding);
    if (root.matches && root.matches("[data-matter]")) syncMatter(root);
    root.querySelectorAll("[data-matter]").forEach(syncMatter);
    root.querySelectorAll("select[data-follows]").forEach(syncFollower);
    new Set(Array.from(root.querySelectorAll("[data-shown-by]"), part => document.getElementById(part.dataset.shownBy)))
      .forEach(leader => { if (leader) syncShown(leader); });
    root.querySelectorAll("input[data-select-all]").forEach(all => { (all.closest("label") || all).hidden = false; });
    root.querySelectorAll("[data-remove]").forEach(b => { b.hidden = false; });
    fold(root);
    root.querySelectorAll("[data-only-changed]").forEach(b => {
      b.hidden = false;
      onlyChanged(b, window.matchMedia(PHONE).matches);
    });
    root.querySelectorAll("[data-charts]").forEach(holder => {
      if (typeof huiqiBars === "function" && !holder.dataset.drawn) {
        holder.dataset.drawn = "1";
        huiqiBars(holder, JSON.parse(holder.dataset.charts));
      }
    });
  }

  const ELDER = "huiqi-elder";
  function elder(on) {
    document.documentElement.classList.toggle("elder", on);
    document.querySelectorAll("[data-elder]").forEach(b => { b.hidden = false; b.setAttribute("aria-pressed", String(on)); });
  }
  function remembered() { try { return localStorage.getItem(ELDER) === "1"; } catch (e) { return false; } }
  elder(remembered());

  document.addEventListener("click", e => {
    if (e.target.closest("[data-elder]")) {
      const on = !document.documentElement.classList.contains("elder");
      try { localStorage.setItem(ELDER, on ? "1" : "0"); } catch (err) { /* private mode: this page only */ }
      elder(on);
    }
    const ask = e.target.closest("[data-confirm]");
    const unready = ask && ask.form && !ask.hasAttribute("formnovalidate") && !ask.form.checkValidity();
    if (ask && !unready && !window.confirm(ask.dataset.confirm)) e.preventDefault();  // a box left empty is said first
    const back = e.target.closest("a[data-back]");
    if (back && window.history.length > 1) { e.preventDefault(); window.history.back(); }
    if (e.target.closest("[data-print]")) window.print();
    const jump = e.target.closest('a[href^="#"]');
    if (jump) {  // before the browser scrolls to it: a part inside a folded section
      try { reveal(document.getElementById(decodeURIComponent(jump.hash.slice(1)))); } catch (err) { /* no such part */ }
    }
    const toggle = e.target.closest("[data-only-changed]");
    if (toggle) onlyChanged(toggle, toggle.getAttribute("aria-pressed") !== "true");
    const remove = e.target.closest("[data-remove]");
    if (remove) {
      const row = document.getElementById(remove.dataset.remove);
      if (row) row.remove();
      const next = document.getElementById("add-matter");
      if (next) next.focus();
    }
  });
  document.addEventListener("change", e => {
    if (e.target.matches("form.binding select[name=role]")) syncBinding(e.target.form);
    const matter = e.target.matches("input[type=checkbox]") && e.target.closest("[data-matter]");
    if (matter) syncMatter(matter);
    if (e.target.id) document.querySelectorAll(`select[data-follows="${e.target.id}"]`).forEach(syncFollower);
    if (e.target.id && e.target.matches("select")) syncShown(e.target);
    const all = e.target.matches("input[data-select-all]") && e.target;
    if (all) document.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`).forEach(box => { box.checked = all.checked; });
  });
  // a form's busy button: inside it, or after the rows it acts on (form="…")
  const busy = form => form.querySelector("[data-busy]") || (form.id && document.querySelector(`[data-busy][form="${form.id}"]`));
  document.addEventListener("submit", e => {
    const button = busy(e.target);
    if (!button || e.defaultPrevented) return;
    if (e.target.dataset.sent) { e.preventDefault(); return; }
    e.target.dataset.sent = "1";
    button.dataset.idle = button.textContent;
    button.textContent = button.dataset.busy;
    button.setAttribute("aria-disabled", "true");
  });
  window.addEventListener("pageshow", e => {  // back to a page kept in memory: its forms can be sent again
    if (!e.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(form => {
      delete form.dataset.sent;
      const button = busy(form);
      if (button && button.dataset.idle) { button.textContent = button.dataset.idle; button.removeAttribute("aria-disabled"); }
    });
  });
  // A refusal htmx does not swap in (403, 404, 429, 5xx): its message goes at the top of the page, announced,
  // instead of nothing happening.
  document.addEventListener("htmx:responseError", e => {
    const xhr = e.detail.xhr;
    const found = new DOMParser().parseFromString(xhr.responseText || "", "text/html").querySelector(".errors p");
    const text = found ? found.textContent.trim() : "";
    let box = document.getElementById("request-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "request-error";
      box.className = "errors";
      box.setAttribute("role", "alert");
      box.tabIndex = -1;
      document.querySelector("main").prepend(box);
    }
    box.textContent = "未能完成：" + (text || "请求未被受理（" + xhr.status + "），请刷新页面后再试");
    box.focus();
  });
  window.addEventListener("hashchange", () => reveal(addressed()));
  document.addEventListener("htmx:load", e => init(e.detail.elt));
  init(document);
})();
