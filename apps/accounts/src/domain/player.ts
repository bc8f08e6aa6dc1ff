// The player aggregate and its public representation.
export type Role = 'player' | 'admin';
export const ROLES: readonly Role[] = ['player', 'admin'];

export interface Player {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What the API shows of a player: never the password hash. */
export interface PlayerView {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  created_at: string;
  updated_at: string;
}

export function toView(p: Player): PlayerView {
  return {
    id: p.id,
    email: p.email,
    display_name: p.displayName,
    role: p.role,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

/** Emails compare case-insensitively; the address as typed is kept for display. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
