// The signed-in session of this tab: whether the server checks keys and the key's role.
// Pages ask `can('writer')` before showing a control that writes.
import { roleAtLeast } from './api.js';

export const session = { auth: 'off', role: 'admin', name: '' };

export function can(role) {
  return roleAtLeast(session.role, role);
}
