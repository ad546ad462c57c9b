// The page: a header (language, who is signed in), and one view per path, drawn afresh on every
// navigation, language change or sign-in. A view's live streams stop when it is left (signal).
// A view's module is loaded when first shown: the national page does not carry a village's forms.
import { t, lang, setLang, translatePage } from './i18n.js';
import { el, replace, section } from './ui.js';
import { start, parse } from './router.js';
import { onChange } from './session.js';
import { get } from './api.js';
import { renderSession } from './views/signin.js';

const views = {
  region: async () => (await import('./views/region.js')).renderRegion,
  village: async () => (await import('./views/village.js')).renderVillage,
  imports: async () => (await import('./views/imports.js')).renderImports,
  reconcile: async () => (await import('./views/reconcile.js')).renderReconcile,
  missing: async () => renderMissing,
};
let leaving = null;
let about = null;

/** The environment and the local sign-in; unknown (an older server) means no local sign-in. */
async function loadAbout() {
  try {
    about = await get('/api/about');
  } catch {
    about = { environment: '?', developmentTokens: false, occupations: [] };
  }
  return about;
}

async function render() {
  leaving?.abort();
  leaving = new AbortController();
  const route = parse(location.pathname);
  const root = el('div', { class: 'view', dataset: { view: route.view } });
  replace(document.getElementById('view'), root);
  translatePage();
  renderHeader();
  const { signal } = leaving;
  const view = await views[route.view]();
  if (signal.aborted) return; // left while its module was loading
  await view(root, route, { signal, about: about ?? await loadAbout() });
}

function renderHeader() {
  const toggle = document.getElementById('language');
  toggle.textContent = t('language.switch');
  toggle.setAttribute('aria-label', t('language.switchLabel'));
  renderSession(document.getElementById('session'), about);
}

function renderMissing(root) {
  replace(root, section(t('missing.title'), el('p', {}, t('missing.text')), el('a', { href: '/', 'data-link': '' }, t('missing.home'))));
}

document.getElementById('language').addEventListener('click', () => {
  setLang(lang() === 'id' ? 'en' : 'id');
  render();
});
onChange(render);
loadAbout().then(() => start(render));
