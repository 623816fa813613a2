// Building DOM from data without ever parsing it as HTML: createElement + textContent only.

/** el("p", {class: "x", text: "hi"}, child, "more text") */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  setProps(node, props);
  append(node, children);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setProps(node, attrs);
  append(node, children);
  return node;
}

function setProps(node, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "class") node.setAttribute("class", value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

/** document.querySelector, shorter. */
export const $ = (selector, root = document) => root.querySelector(selector);

/** Replace a node's children. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** Show or hide. */
export function show(node, visible = true) {
  node.hidden = !visible;
}

/** A link only for http(s) targets (never javascript: or data:). */
export function safeLink(url, text) {
  try {
    const parsed = new URL(url, window.location.href);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") {
      return el("a", { href: parsed.href, rel: "noopener noreferrer", target: "_blank", text: text ?? url });
    }
  } catch {
    // not a URL: shown as text below
  }
  return document.createTextNode(text ?? url);
}

/** A photo: an image linking to itself for http(s) URLs, else the key as text. */
export function photo(url, alt) {
  const link = safeLink(url);
  if (link.nodeName !== "A") return link;
  fill(link, el("img", { src: link.href, alt, loading: "lazy", class: "photo" }));
  return link;
}

// What a node says through say() when it was given a function: the function (its words in the language
// chosen now) and the text it gave, so that a language switch says it again (sayAgain) and a redraw
// carries it over (keepInput). Text written there since by other means is never overwritten.
const sayings = new WeakMap();

/**
 * Put ``message`` in ``node``: a function giving the text in the current language (said again after
 * each language switch), or fixed text. With ``hide``, the node is hidden while it says nothing.
 */
export function say(node, message, { hide = false } = {}) {
  const words = typeof message === "function" ? message : null;
  node.textContent = (words ? words() : message) || "";
  if (words) {
    sayings.set(node, { words, text: node.textContent });
    node.setAttribute("data-said", "");
  } else {
    sayings.delete(node);
    node.removeAttribute("data-said");
  }
  if (hide) node.hidden = !node.textContent;
}

/** The function ``node`` says its text with (say()), or its text as it stands. */
function saying(node) {
  const said = sayings.get(node);
  return said && said.text === node.textContent ? said.words : node.textContent;
}

/** Say again, in the language chosen now, what the nodes under ``root`` say through say(). */
export function sayAgain(root = document) {
  for (const node of root.querySelectorAll("[data-said]")) {
    const words = saying(node);
    if (typeof words === "function") say(node, words);
  }
}

/**
 * Run ``redraw`` (which rebuilds ``root``'s content, e.g. on a language switch) keeping what was typed
 * or chosen there (fields by id, radios and checkboxes by name and value) and the errors shown (by id,
 * said again in the language chosen now).
 */
export function keepInput(root, redraw) {
  const fields = [...root.querySelectorAll("input[id], textarea[id], select[id]")]
    .filter((node) => !["file", "radio", "checkbox"].includes(node.type)).map((node) => [node.id, node.value]);
  const checked = [...root.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked")]
    .map((node) => [node.name, node.value]);
  const errors = [...root.querySelectorAll(".error[id]")].filter((node) => !node.hidden)
    .map((node) => [node.id, saying(node)]);
  const result = redraw();
  const byId = (id) => root.querySelector(`#${CSS.escape(id)}`);
  for (const [id, value] of fields) {
    const node = byId(id);
    if (node) node.value = value;
  }
  for (const [name, value] of checked) {
    const node = root.querySelector(`input[name="${CSS.escape(name)}"][value="${CSS.escape(value)}"]`);
    if (node && !node.checked) {
      node.checked = true;
      node.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
  for (const [id, message] of errors) {
    const node = byId(id);
    if (node) {
      say(node, message);
      node.hidden = false;
    }
  }
  return result;
}
