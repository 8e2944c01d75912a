import type { Role } from '../config/schema.js';

/** Who is calling: a logged-in user, a TV wall's read-only token, or the gateway itself. */
export interface Principal {
  name: string;
  role: Role;
  via: 'session' | 'wall' | 'system';
  tokenId?: string;
}

const RANK: Record<Role, number> = { viewer: 1, officer: 2, admin: 3 };

/** The route's declared access: a role, or `public` for routes anyone may call. */
export type Access = Role | 'public';

export function allows(principal: Principal | undefined, access: Access): boolean {
  if (access === 'public') return true;
  if (!principal) return false;
  // Wall tokens are read-only: they never pass a route that needs more than viewer.
  if (principal.via === 'wall' && access !== 'viewer') return false;
  return RANK[principal.role] >= RANK[access];
}

export const SYSTEM_PRINCIPAL: Principal = { name: 'gateway', role: 'admin', via: 'system' };
