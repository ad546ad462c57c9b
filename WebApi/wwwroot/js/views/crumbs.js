// Where the screen is: Indonesia > province > regency > district (> village), each a link.
import { el, replace } from '../ui.js';
import { t } from '../i18n.js';
import { ancestors, nation, pathOf } from '../router.js';
import { namesOf } from '../names.js';

export function crumbs(code) {
  const box = el('nav', { class: 'crumbs', 'aria-label': t('crumbs.label') });
  const codes = [nation, ...ancestors(code)];
  const draw = (names) => replace(box, codes.map((c, i) => [
    el('a', { href: pathOf(c), 'data-link': '' }, c === nation ? t('region.nation') : names[i]), el('span', { class: 'sep' }, '›'),
  ]));
  draw(codes);
  namesOf(codes).then(draw);
  return box;
}
