import { randomBytes } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.js';
import { authAccounts, users } from '../../platform/auth/index.js';
import { units } from '../catalog/catalog.tables.js';

/** The demo logins `npm start` prints in demo mode (never created otherwise). */
export const DEMO_LOGINS = [
  { username: 'grazhdanin', password: 'Sofia-demo-2026', role: 'citizen', unit: null, firstName: 'Мария', lastName: 'Петрова', email: 'maria.petrova@example.bg' },
  { username: 'operator', password: 'Sofia-demo-2026', role: 'operator', unit: 'KC', firstName: 'Десислава', lastName: 'Николова', email: 'operator@sofia.example' },
  { username: 'sluzhitel', password: 'Sofia-demo-2026', role: 'officer', unit: 'R09-ADM', firstName: 'Иван', lastName: 'Георгиев', email: 'ivan.georgiev@sofia.example' },
  { username: 'nachalnik', password: 'Sofia-demo-2026', role: 'manager', unit: 'R09-ADM', firstName: 'Петър', lastName: 'Стоянов', email: 'manager@sofia.example' },
  { username: 'delovoditel', password: 'Sofia-demo-2026', role: 'clerk', unit: 'KC', firstName: 'Галина', lastName: 'Тодорова', email: 'clerk@sofia.example' },
  { username: 'inspektor', password: 'Sofia-demo-2026', role: 'inspector', unit: 'DIR-CONTROL', firstName: 'Николай', lastName: 'Илиев', email: 'inspector@sofia.example' },
  { username: 'admin', password: 'Sofia-demo-2026', role: 'admin', unit: null, firstName: 'Анна', lastName: 'Василева', email: 'admin@sofia.example' },
] as const;

/** Seeds the demo accounts once, verified and ready to log in. */
export async function seedDemoUsers(db: Database): Promise<void> {
  for (const d of DEMO_LOGINS) {
    const [exists] = await db.orm.select({ id: users.id }).from(users).where(eq(users.username, d.username));
    if (exists) continue;
    const [unit] = d.unit ? await db.orm.select({ id: units.id }).from(units).where(eq(units.code, d.unit)) : [];
    const id = randomBytes(16).toString('hex');
    const now = new Date();
    await db.orm.transaction(async (tx) => {
      await tx.insert(users).values({
        id,
        name: `${d.firstName} ${d.lastName}`,
        email: d.email,
        emailVerified: true,
        username: d.username,
        displayUsername: d.username,
        firstName: d.firstName,
        lastName: d.lastName,
        phone: '+359 888 000 000',
        role: d.role,
        unitId: unit?.id ?? null,
        termsVersion: 'demo',
        termsAcceptedAt: now,
      });
      await tx.insert(authAccounts).values({ id: randomBytes(16).toString('hex'), accountId: id, providerId: 'credential', userId: id, password: await hashPassword(d.password) });
    });
  }
}
