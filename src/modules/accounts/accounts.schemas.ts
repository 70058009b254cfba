import { z } from 'zod';
import { optionalText, text } from '../../platform/errors/validation.js';

const name = text({ max: 100 });
const phone = z.string().trim().max(40).regex(/^[+0-9 ()/-]{5,40}$/);

/** "Регистрация на нов потребител" (AC-2). */
export const RegisterBody = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.]{3,30}$/),
  password: z.string().max(1000),
  password2: z.string().max(1000).optional(),
  firstName: name,
  lastName: name,
  email: z.email().max(254),
  phone,
  address: optionalText({ max: 300 }),
  locale: z.enum(['bg', 'en']).default('bg'),
  acceptTerms: z.preprocess((v) => v === 'on' || v === 'true' || v === true || v === '1', z.boolean()),
});
export type RegisterInput = z.infer<typeof RegisterBody>;

/** "Обновяване на профил" (AC-3). */
export const ProfileBody = z.object({
  firstName: name,
  lastName: name,
  email: z.email().max(254),
  phone,
  address: optionalText({ max: 300 }),
  locale: z.enum(['bg', 'en']).default('bg'),
});
export type ProfileInput = z.infer<typeof ProfileBody>;

/** The daily digest of deadlines on or off (issue 12): the checkbox sends "on", or nothing when cleared. */
export const DigestBody = z.object({
  deadlineDigest: z.literal('on').optional(),
});
