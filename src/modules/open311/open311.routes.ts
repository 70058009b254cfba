import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../platform/context.js';

/** Routes of the open311 module. */
export async function open311Routes(_app: FastifyInstance, _ctx: Ctx): Promise<void> {}
