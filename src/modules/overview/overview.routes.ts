import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../platform/context.js';

/** Routes of the overview module. */
export async function overviewRoutes(_app: FastifyInstance, _ctx: Ctx): Promise<void> {}
