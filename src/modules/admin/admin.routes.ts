import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../platform/context.js';

/** Routes of the admin module. */
export async function adminRoutes(_app: FastifyInstance, _ctx: Ctx): Promise<void> {}
