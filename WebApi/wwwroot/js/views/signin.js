// Sign-in: who is signed in, in the header; a dialog to sign in as a role (Development only, via
// POST /dev/tokens) or to paste a token from the campaign's OpenID Connect provider.
import { t } from '../i18n.js';
import { el, replace, problemBox } from '../ui.js';
import { caller, signIn, signOut } from '../session.js';
import { call } from '../api.js';
import { dateTime } from '../format.js';
import { parse, nation } from '../router.js';

const roles = ['village-operator', 'perisai-agent', 'district-officer', 'regency-officer', 'province-officer', 'national-monitor', 'national-admin', 'bpjs-branch'];

export function renderSession(box, about) {
  const who = caller();
  if (!who) {
    replace(box, el('button', { type: 'button', class: 'button', id: 'sign-in', onclick: () => openDialog(about) }, t('session.signIn')));
    return;
  }
  replace(box,
    el('span', { class: 'who', id: 'signed-in', title: who.expiresAt ? t('session.expires', { at: dateTime(who.expiresAt) }) : '' },
      el('strong', {}, who.subject), ' · ', who.roles.map((role) => t(`role.${role}`)).join(', '),
      who.regions.length ? ` · ${who.regions.join(', ')}` : ''),
    el('button', { type: 'button', class: 'button quiet', id: 'sign-out', onclick: signOut }, t('session.signOut')));
}

/** The code of the region or village on screen: the likeliest scope to sign in for. */
function currentScope() {
  const route = parse(location.pathname);
  return route.code && route.code !== nation ? route.code : '';
}

function openDialog(about) {
  const slot = el('div', { class: 'slot' });
  const dialog = el('dialog', { class: 'dialog', id: 'sign-in-dialog' },
    el('h2', {}, t('session.signIn')),
    about?.developmentTokens ? developmentForm(slot, () => dialog.close()) : el('p', { class: 'hint' }, t('session.noDevelopment')),
    pasteForm(slot, () => dialog.close()),
    slot,
    el('button', { type: 'button', class: 'button quiet', onclick: () => dialog.close() }, t('common.close')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

function developmentForm(slot, done) {
  const role = el('select', { name: 'role', id: 'sign-in-role' }, roles.map((r) => el('option', { value: r }, t(`role.${r}`))));
  const region = el('input', { name: 'region', id: 'sign-in-region', value: currentScope(), placeholder: '35.10.01.2001', autocomplete: 'off' });
  const agent = el('input', { name: 'agentId', id: 'sign-in-agent', placeholder: 'PRS-0001', autocomplete: 'off' });
  return el('form', {
    class: 'form', id: 'sign-in-as',
    onsubmit: async (event) => {
      event.preventDefault();
      // Several codes: an operator or agent acts on exactly the villages its token names.
      const scopes = region.value.split(/[\s,;]+/).filter(Boolean);
      try {
        const { body } = await call('/dev/tokens', {
          method: 'POST',
          json: { subject: `${role.value}@${scopes[0] || nation}`, roles: [role.value], regions: scopes, agentId: agent.value.trim() || undefined },
        });
        done();
        signIn(body.token);
      } catch (problem) {
        replace(slot, problemBox(problem));
      }
    },
  },
  el('h3', {}, t('session.signInAs')),
  el('p', { class: 'hint' }, t('session.developmentHint')),
  el('label', {}, t('session.role'), role),
  el('label', {}, t('session.region'), region),
  el('label', {}, t('session.agent'), agent),
  el('button', { type: 'submit', class: 'button' }, t('session.signIn')));
}

function pasteForm(slot, done) {
  const pasted = el('textarea', { name: 'token', id: 'sign-in-token', rows: 3, placeholder: 'eyJhbGciOi…', spellcheck: 'false' });
  return el('form', {
    class: 'form',
    onsubmit: (event) => {
      event.preventDefault();
      if (pasted.value.trim().split('.').length !== 3) {
        replace(slot, problemBox({ title: t('session.badToken'), detail: t('session.badTokenDetail') }));
        return;
      }
      done();
      signIn(pasted.value);
    },
  },
  el('h3', {}, t('session.paste')),
  el('label', {}, t('session.token'), pasted),
  el('button', { type: 'submit', class: 'button' }, t('session.useToken')));
}
