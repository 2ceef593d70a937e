// The preview page: switches, search and filters, MathJax as Anki configures it, and (under
// `serve`) live reload that swaps in only the notes that changed. Loaded before MathJax, which reads
// window.MathJax as its configuration.
'use strict';

// Anki's MathJax setup (ts/mathjax in Anki's source), without the context menu.
window.MathJax = {
  tex: {
    displayMath: [['\\[', '\\]']],
    processEscapes: false,
    processEnvironments: false,
    processRefs: false,
    packages: {'[+]': ['noerrors', 'mathtools', 'mhchem'], '[-]': ['textmacros']},
  },
  options: {renderActions: {addMenu: []}},
  startup: {
    typeset: false,
    pageReady() {
      return MathJax.startup.defaultPageReady().then(() => typeset(document.querySelectorAll('.pv-note')));
    },
  },
};

const $ = (id) => document.getElementById(id);
const state = {night: false, phone: true, deck: ''};

// Typeset notes in small batches, those on screen first, yielding between batches so the page stays
// responsive (thousands of formulas take a while); body[data-mathjax] says when all are done.
const waiting = new Set();
const onScreen = new Set();
const watcher = new IntersectionObserver((entries) => {
  for (const entry of entries) onScreen[entry.isIntersecting ? 'add' : 'delete'](entry.target);
}, {rootMargin: '600px'});
let typesetting = false;

function typeset(notes) {
  for (const note of notes) {
    waiting.add(note);
    watcher.observe(note);
  }
  document.body.dataset.mathjax = 'busy';
  if (!typesetting) typesetWaiting();
}

async function typesetWaiting() {
  typesetting = true;
  while (waiting.size) {
    const visible = Array.from(onScreen).filter((note) => waiting.has(note));
    const batch = (visible.length ? visible : Array.from(waiting)).slice(0, 12);
    for (const note of batch) {
      waiting.delete(note);
      watcher.unobserve(note);
    }
    await MathJax.typesetPromise(batch.flatMap((note) => Array.from(note.querySelectorAll('.card'))))
      .catch((error) => console.error(error));
    batch.forEach(flagFormulaErrors);
    await new Promise((resolve) => setTimeout(resolve));
  }
  typesetting = false;
  document.body.dataset.mathjax = 'done';
}

// What Anki would show as a broken formula, listed on the note like a diagnostic: MathJax's parse
// errors, and undefined commands (which Anki's noundefined package shows in red). The back face
// holds the front's formulas too, so it alone is read.
function flagFormulaErrors(note) {
  const back = note.querySelector('.pv-face:last-child');
  const errors = Array.from(back.querySelectorAll('mjx-merror'), (error) => `${error.dataset.mjxError}: ${error.textContent}`);
  for (const text of back.querySelectorAll('mjx-assistive-mml mtext[mathcolor="red"]')) {
    if (text.textContent.startsWith('\\')) errors.push(`undefined command ${text.textContent}`);
  }
  if (!errors.length) return;
  const list = document.createElement('ul');
  list.className = 'pv-diagnostics pv-formula-errors';
  for (const error of errors) {
    const item = list.appendChild(document.createElement('li'));
    item.className = 'pv-error';
    item.textContent = `formula error: ${error}`;
  }
  note.querySelector('.pv-faces').before(list);
  note.dataset.flagged = '1';
  applyFilters();
}

function applyTheme() {
  document.body.classList.toggle('pv-dark', state.night);
  document.body.classList.toggle('pv-phone', state.phone);
  themeCards(document);
  const card = document.querySelector('.pv-screen > .card');
  if (card) {  // a screen wider than the card shows the card's background around it, as Anki's window does
    document.body.style.setProperty('--pv-card-background', getComputedStyle(card).backgroundColor);
  }
}

function themeCards(root) {
  for (const card of root.querySelectorAll('.pv-screen > .card')) {
    card.classList.toggle('nightMode', state.night);  // Anki puts both on the card's own element
    card.classList.toggle('night_mode', state.night);
  }
}

function matches(note, words, tag, family) {
  const data = note.dataset;
  const deck = data.deck || '';
  return (!state.deck || deck === state.deck || deck.startsWith(state.deck + '::'))
    && (!$('pv-changed').checked || Boolean(data.status))
    && (!$('pv-flagged').checked || Boolean(data.flagged))
    && (!tag || (data.tags || '').split(' ').some((t) => t === tag || t.startsWith(tag + '::')))
    && (!family || data.family === family)
    && words.every((word) => (data.text || '').includes(word));
}

function applyFilters() {
  const words = $('pv-search').value.toLowerCase().split(/\s+/).filter(Boolean);
  const tag = $('pv-tag').value;
  const family = $('pv-family').value;
  const notes = document.querySelectorAll('.pv-note');
  let shown = 0;
  for (const note of notes) {
    const hidden = !matches(note, words, tag, family);
    if (note.hidden !== hidden) note.hidden = hidden;  // a page of thousands of notes: touch only what changes
    shown += hidden ? 0 : 1;
  }
  $('pv-flagged-count').textContent = document.querySelectorAll('.pv-note[data-flagged]').length;
  $('pv-status').textContent = shown === notes.length ? `${notes.length} notes` : `${shown} of ${notes.length} notes`;
  for (const link of document.querySelectorAll('.pv-decks a')) {
    link.classList.toggle('pv-selected', link.dataset.deck === state.deck);
  }
}

function bind() {
  $('pv-night').checked = state.night;
  $('pv-phone').checked = state.phone;
  $('pv-night').onchange = (event) => { state.night = event.target.checked; applyTheme(); };
  $('pv-phone').onchange = (event) => { state.phone = event.target.checked; applyTheme(); };
  for (const id of ['pv-search', 'pv-changed', 'pv-flagged', 'pv-tag', 'pv-family']) {
    $(id).oninput = applyFilters;
  }
  document.querySelector('.pv-decks').onclick = (event) => {
    const link = event.target.closest('a[data-deck]');
    if (!link) return;
    event.preventDefault();
    state.deck = state.deck === link.dataset.deck ? '' : link.dataset.deck;
    applyFilters();
  };
}

// Live reload: the server announces each rebuild; ask which notes the page has now (ids and digests),
// fetch those this page lacks as they are now, and put everything in place, moving only what moved.
async function reload() {
  const fresh = await (await fetch('_preview/page.json', {cache: 'no-store'})).json();
  const old = new Map(Array.from(document.querySelectorAll('.pv-note'), (note) => [note.id, note]));
  const wanted = [];
  fresh.notes.forEach(([id, digest], index) => {
    if (!old.has(id) || old.get(id).dataset.hash !== digest) wanted.push(index);
  });
  const added = [];
  if (wanted.length) {
    const query = ranges(wanted).length < 30000 ? ranges(wanted) : `0-${fresh.notes.length - 1}`;
    const response = await fetch(`_preview/notes.json?generation=${fresh.generation}&notes=${query}`, {cache: 'no-store'});
    if (response.status === 409) return reload();  // rebuilt again in between
    added.push(...parse((await response.json()).join('')).children);
  }
  const made = new Map(added.map((note) => [note.id, note]));
  // One card edited: bring it into view, wherever the page was. Whether its old version was on screen
  // is read now, while the page's layout is current (after the changes below it would be laid out again).
  const single = added.length === 1 && old.size ? added[0] : null;
  const wasOffScreen = single && old.has(single.id) ? offScreen(old.get(single.id)) : undefined;
  const notes = fresh.notes.map(([id]) => made.get(id) || old.get(id));
  const kept = new Set(notes);
  const gone = Array.from(old.values()).filter((note) => !kept.has(note));
  if (window.MathJax.typesetClear) MathJax.typesetClear(gone);  // MathJax forgets their formulas
  gone.forEach((note) => note.remove());
  const main = document.querySelector('.pv-main');
  if (fresh.head !== shown.head) {  // the status line and the diagnostics that belong to no card
    for (const node of Array.from(main.children)) {
      if (!node.matches('.pv-note')) node.remove();
    }
    main.prepend(parse(fresh.head));
  }
  let next = main.querySelector('.pv-note');
  for (const note of notes) {
    if (note === next) {
      next = next.nextElementSibling;
    } else {
      main.insertBefore(note, next);
    }
  }
  if (fresh.side !== shown.side) {
    const values = Object.fromEntries(['pv-search', 'pv-changed', 'pv-flagged', 'pv-tag', 'pv-family'].map(
      (id) => [id, $(id).type === 'checkbox' ? $(id).checked : $(id).value]));
    document.querySelector('.pv-side').replaceWith(parse(fresh.side));
    for (const [id, value] of Object.entries(values)) {
      $(id)[$(id).type === 'checkbox' ? 'checked' : 'value'] = value;
    }
    bind();
  }
  Object.assign(shown, fresh);
  document.title = parse(fresh.title).textContent;
  added.forEach(themeCards);  // the card background stays: the theme did not change
  applyFilters();
  if (single && (wasOffScreen ?? offScreen(single))) single.scrollIntoView({block: 'center'});
  if (added.length && window.MathJax.typesetPromise) typeset(added);
}

const shown = {head: null, side: null};

function offScreen(note) {
  const rect = note.getBoundingClientRect();
  return rect.bottom < 0 || rect.top > innerHeight;
}  // the pieces of the page as the server last sent them

function parse(html) {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

function ranges(numbers) {  // [3, 7, 8, 9] -> '3,7-9'
  const parts = [];
  for (let first = 0, last = 0; first < numbers.length; first = last + 1) {
    for (last = first; numbers[last + 1] === numbers[last] + 1;) last += 1;
    parts.push(first === last ? `${numbers[first]}` : `${numbers[first]}-${numbers[last]}`);
  }
  return parts.join(',');
}

function follow() {  // one reload at a time; a rebuild announced meanwhile makes one more
  let running = false;
  let again = false;
  const events = new EventSource('_preview/events');
  events.onmessage = async () => {
    again = true;
    if (running) return;
    running = true;
    while (again) {
      again = false;
      await reload().catch((error) => console.error(error));
    }
    running = false;
  };
}

bind();
applyTheme();
applyFilters();
if (document.body.dataset.live) follow();
