// Text that reaches a library which takes HTML strings (Leaflet tooltips and popups, ECharts
// tooltip formatters) goes through here: names of grids, streets and labels are typed by people
// and must show as text, never run. Leaflet gets a DOM node whose textContent is the name;
// ECharts gets the name HTML-escaped.

/** An element holding `text` as text (for Leaflet's bindTooltip / bindPopup / setContent). */
export function textNode(text: string, tag: keyof HTMLElementTagNameMap = 'span'): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = text;
  // People's words (see components/UserText): shown as written in either language.
  el.dataset.user = '';
  return el;
}

export { escapeHtml } from './escape';
