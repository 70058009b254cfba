import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../platform/context.js';

/** Routes of the directory module. */
export async function directoryRoutes(_app: FastifyInstance, _ctx: Ctx): Promise<void> {}
