#!/usr/bin/env node
// Typeset formulas with MathJax 3 as Anki configures it, but with errors surfacing instead of being
// drawn: reads [{"tex", "display", "where"}, ...] as JSON on stdin, prints the failing ones as
// [{"tex", "display", "where", "error"}, ...] on stdout (an empty list when all typeset).
//
// Anki (ts/mathjax): the full TeX component, "[+]": noerrors, mathtools, mhchem; "[-]": textmacros.
// Here: the same packages minus noerrors and noundefined, so parse errors and undefined macros are
// errors, and a formatError hook that records the error rather than rendering it.
'use strict';

const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {STATE} = require('mathjax-full/js/core/MathItem.js');
const {CHTML} = require('mathjax-full/js/output/chtml.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AllPackages} = require('mathjax-full/js/input/tex/AllPackages.js');

const HIDDEN = new Set(['noerrors', 'noundefined', 'textmacros']);
const packages = [...new Set([...AllPackages, 'mathtools', 'mhchem'])].filter((name) => !HIDDEN.has(name));

let errors = [];  // what formatError saw while the current formula was typeset
const tex = new TeX({
  packages,
  formatError(jax, error) {
    errors.push(error.message);
    return jax.formatError(error);
  },
});
const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
// Anki's CommonHTML output (bussproofs needs one), though formulas are only compiled to MathML:
// every error is TeX's.
const doc = mathjax.document('', {InputJax: tex, OutputJax: new CHTML({fontURL: '.'})});

function merrors(node, found) {  // any error node left in the internal MathML, however it got there
  if (node.isKind('merror')) {
    found.push(node.attributes.get('data-mjx-error') || 'merror in the output');
  }
  for (const child of node.childNodes || []) {
    if (child && typeof child.isKind === 'function') merrors(child, found);
  }
  return found;
}

function check(formula) {
  errors = [];
  try {
    const root = doc.convert(formula.tex, {display: Boolean(formula.display), end: STATE.COMPILED});
    if (!errors.length) errors.push(...merrors(root, []));
  } catch (error) {
    errors.push(String(error && error.message || error));
  }
  return errors.length ? {...formula, error: errors.join('; ')} : null;
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const failures = JSON.parse(input).map(check).filter(Boolean);
  process.stdout.write(JSON.stringify(failures) + '\n');
});
