// Small enhancements over forms that work without JavaScript: search for officials, the legal forms
// for a chosen date, the as-of slider's label, and repeatable rows. No build step, no dependencies.
"use strict";

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// Officials picked by search: results are buttons (keyboard-friendly); each pick adds a chip with a
// hidden input named like the picker's data-name.
function setupPicker(box) {
  const input = box.querySelector("input[type=search]");
  const results = box.querySelector(".results");
  const chips = box.querySelector(".chips");
  const name = box.dataset.name;
  const status = box.querySelector("[role=status]");
  const fallback = box.querySelector("select[multiple]");
  if (fallback) {  // with scripts on, the search replaces the plain list; its picks become chips
    for (const option of fallback.selectedOptions) addChip(option.value, option.textContent);
    fallback.closest(".field").remove();
  }
  box.hidden = false;
  box.querySelectorAll("[data-needs-script]").forEach((el) => { el.hidden = false; });
  function addChip(id, text) {
    if (chips.querySelector(`input[value="${id}"]`)) return;
    const li = document.createElement("li");
    li.textContent = text;
    const hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = name; hidden.value = id;
    const remove = document.createElement("button");
    remove.type = "button"; remove.textContent = "×";
    remove.setAttribute("aria-label", "Bỏ " + text);
    remove.addEventListener("click", () => { li.remove(); input.focus(); });
    li.append(hidden, remove);
    chips.append(li);
  }
  const search = debounce(async () => {
    const q = input.value.trim();
    results.replaceChildren();
    if (q.length < 2) { status.textContent = ""; return; }
    const url = new URL(box.dataset.url, location.href);
    url.searchParams.set("q", q);
    const answer = await fetch(url, {headers: {Accept: "application/json"}});
    if (!answer.ok) { status.textContent = "Không tìm được (lỗi " + answer.status + ")."; return; }
    const found = await answer.json();
    status.textContent = found.length ? `${found.length} kết quả` : "Không có ai khớp.";
    for (const o of found) {
      const li = document.createElement("li");
      const pick = document.createElement("button");
      pick.type = "button";
      pick.textContent = `${o.fullName} (${o.personnelCode}) — ${o.unitName}`;
      pick.addEventListener("click", () => {
        addChip(o.id, `${o.fullName} (${o.personnelCode})`);
        results.replaceChildren(); input.value = ""; status.textContent = "Đã thêm " + o.fullName; input.focus();
      });
      li.append(pick);
      results.append(li);
    }
  }, 200);
  input.addEventListener("input", search);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); results.querySelector("button")?.focus(); }
  });
}

// The discipline forms (and the deferral grounds) the law allows depend on the date: ask the server
// again when it changes. A blank first option ("— Chọn … —") is kept.
function setupForms(select) {
  const dateInput = document.getElementById(select.dataset.dateField);
  const note = document.getElementById(select.id + "-rule");
  if (!dateInput) return;
  dateInput.addEventListener("change", async () => {
    const url = new URL(select.dataset.formsUrl, location.href);
    url.searchParams.set("ngay", dateInput.value);
    const answer = await fetch(url, {headers: {Accept: "application/json"}});
    if (!answer.ok) return;
    const body = await answer.json();
    const current = select.value;
    const blank = [...select.options].filter((o) => o.value === "");
    select.replaceChildren(...blank, ...body.forms.map((f) => new Option(f.label, f.value, false, f.value === current)));
    if (note) note.textContent = body.rule;
  });
}

function setupSlider(range) {
  const out = document.getElementById(range.dataset.output);
  const labels = JSON.parse(range.dataset.labels || "[]");
  const show = () => { out.textContent = labels[Number(range.value) - Number(range.min)] || range.value; };
  range.addEventListener("input", show);
  range.addEventListener("change", () => range.form.requestSubmit());
  show();
}

function setupRows(button) {
  const list = document.getElementById(button.dataset.addRow);
  const template = document.getElementById(button.dataset.template);
  button.hidden = false;
  button.addEventListener("click", () => {
    const n = list.children.length;
    const html = template.innerHTML.replaceAll("__N__", String(n)).replaceAll("__NUMBER__", String(n + 1));
    list.insertAdjacentHTML("beforeend", html);
    list.lastElementChild.querySelector("input, textarea, select")?.focus();
  });
}

// "Back" on the error page (was an inline javascript: link, which the Content-Security-Policy forbids)
function setupBack(button) {
  button.hidden = false;
  button.addEventListener("click", () => history.back());
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-back]").forEach(setupBack);
  document.querySelectorAll("[data-official-picker]").forEach(setupPicker);
  document.querySelectorAll("select[data-forms-url]").forEach(setupForms);
  document.querySelectorAll("input[type=range][data-output]").forEach(setupSlider);
  document.querySelectorAll("button[data-add-row]").forEach(setupRows);
});
