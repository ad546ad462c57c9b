// Who is signed in: a bearer token kept in sessionStorage (gone when the tab closes), and what it says.
const key = 'villages.token';
const listeners = new Set();

export const token = () => sessionStorage.getItem(key);

/** The claims the page shows and uses: subject, roles, regions, agent code, expiry. Never trusted: the API decides. */
export function caller() {
  const value = token();
  if (!value) return null;
  try {
    const payload = value.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))));
    const list = (claim) => (claim === undefined ? [] : [].concat(claim));
    return {
      subject: claims.sub ?? '?',
      roles: list(claims.role),
      regions: list(claims.region),
      agentId: claims.agent_id ?? null,
      expiresAt: claims.exp ? new Date(claims.exp * 1000) : null,
    };
  } catch {
    return { subject: '?', roles: [], regions: [], agentId: null, expiresAt: null };
  }
}

export function signIn(value) {
  sessionStorage.setItem(key, value.trim().replace(/^Bearer\s+/i, ''));
  listeners.forEach((listener) => listener());
}

export function signOut() {
  sessionStorage.removeItem(key);
  listeners.forEach((listener) => listener());
}

export function onChange(listener) {
  listeners.add(listener);
}
