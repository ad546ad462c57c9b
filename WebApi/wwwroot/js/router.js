// Real paths for every screen, so the address bar can be shared: / (the nation), /r/35.10 (a
// province, regency or district), /v/35.10.01.2001 (a village), /imports (bulk import),
// /rekonsiliasi (a BPJS result file) and /rekonsiliasi/35.10/{id} (one reconciliation). The server
// answers all of them with index.html.
export const nation = 'ID';

const regionCode = /^\d{2}(\.\d{2}){0,2}$/;
const villageCode = /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/;
const regencyCode = /^\d{2}\.\d{2}$/;
const jobId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isVillage = (code) => villageCode.test(code);

export function parse(pathname) {
  const [, kind, code, id] = pathname.split('/');
  if (pathname === '/' || pathname === '') return { view: 'region', code: nation };
  if (kind === 'r' && regionCode.test(code ?? '')) return { view: 'region', code };
  if (kind === 'v' && villageCode.test(code ?? '')) return { view: 'village', code };
  if (kind === 'imports') return { view: 'imports' };
  if (kind === 'rekonsiliasi' && code === undefined) return { view: 'reconcile' };
  if (kind === 'rekonsiliasi' && regencyCode.test(code) && jobId.test(id ?? '')) return { view: 'reconcile', code, id };
  return { view: 'missing' };
}

export function pathOf(code) {
  if (code === nation) return '/';
  return isVillage(code) ? `/v/${code}` : `/r/${code}`;
}

/** The region codes above a code: 35.10.01 -> ['35', '35.10']. */
export function ancestors(code) {
  const parts = code === nation ? [] : code.split('.');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'));
}

let render = () => {};

export function navigate(path) {
  if (path !== location.pathname) history.pushState(null, '', path);
  render();
  window.scrollTo(0, 0);
}

/** Follows links marked data-link (and the back button) without reloading the page. */
export function start(renderRoute) {
  render = renderRoute;
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[data-link]');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(link.getAttribute('href'));
  });
  window.addEventListener('popstate', () => render());
  render();
}
