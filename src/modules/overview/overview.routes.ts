import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.js';
import { AppError } from '../../platform/errors/index.js';
import { renderPage } from '../../platform/web/layout.js';
import { pageCtx } from '../../platform/web/pages.js';
import { overviewCsv } from './overview.csv.js';
import { OverviewQuery, OverviewResponse, type OverviewJson } from './overview.schemas.js';
import { dropEmpty, filterOptions, getOverview, parseFilter, type Overview, type OverviewFilter } from './overview.service.js';
import { OverviewPage, formValues } from './overview.views.js';

const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
  }),
});

/** The API's shape of the overview, names in one language. */
function present(o: Overview, lang: 'bg' | 'en'): OverviewJson {
  const name = (x: { bg: string; en: string } | null) => x?.[lang] ?? '';
  const timing = (t: Overview['totals'] | Overview['units'][number]) => ({
    medianDaysToFirstAnswer: t.answerMedianDays,
    answered: t.answered,
    medianDaysToClosure: t.closeMedianDays,
    closedWithDate: t.closedWithDate,
    legalDeadlines: { decided: t.decided, onTime: t.onTime, onTimeShare: t.onTimeShare, late: t.late, medianDaysLate: t.lateMedianDays, overdueNow: t.overdueNow },
  });
  return {
    filter: { period: o.filter.period, district: o.filter.district, category: o.filter.categoryId },
    from: o.from?.toISOString() ?? null,
    to: o.to.toISOString(),
    generatedAt: o.generatedAt.toISOString(),
    totals: { registered: o.totals.registered, open: o.totals.open, closed: o.totals.closed, ...timing(o.totals) },
    categories: o.categories.map((r) => ({ id: r.id, code: r.code, name: name(r.name), registered: r.registered, open: r.open, closed: r.closed })),
    districts: o.districts.map((r) => ({ code: r.code, name: name(r.name), registered: r.registered, open: r.open, closed: r.closed })),
    statuses: o.statuses.map((s) => ({ code: s.code, name: s.name[lang], open: s.open, registered: s.registered })),
    units: o.units.map((u) => ({ code: u.code, name: name(u.name), registered: u.registered, ...timing(u) })),
    weeks: o.weeks,
  };
}

const RENDERED_MAX = 200;
const rendered = new Map<string, { data: unknown; options: unknown; html: string }>();

/** Routes of the overview module: the public page, its CSV and its JSON (CC-7). */
export async function overviewRoutes(root: FastifyInstance, ctx: Ctx): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/overview', { schema: { hide: true } }, async (req, reply) => {
    const raw = dropEmpty(req.query);
    let filter: OverviewFilter | null = null;
    let issues: AppError['issues'] = [];
    try {
      filter = await parseFilter(ctx, raw);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      issues = err.issues;
    }
    const [options, data] = await Promise.all([filterOptions(ctx), filter ? getOverview(ctx, filter) : null]);
    // The page of ~400 table cells and charts costs more to render than its cached numbers cost to
    // read: for visitors without an account it is rendered again only when the numbers changed.
    const key = `${req.lang}|${req.url}`;
    const kept = !req.user && data ? rendered.get(key) : undefined;
    let html = kept && kept.data === data && kept.options === options ? kept.html : null;
    if (!html) {
      html = renderPage(OverviewPage({ ctx: pageCtx(req), options, values: formValues(filter, raw), issues, data }));
      if (!req.user && data) {
        if (rendered.size >= RENDERED_MAX) rendered.delete(rendered.keys().next().value!);
        rendered.set(key, { data, options, html });
      }
    }
    return reply
      .code(filter ? 200 : 400)
      .type('text/html; charset=utf-8')
      .send(html);
  });

  app.get('/overview.csv', { schema: { hide: true } }, async (req, reply) => {
    const filter = await parseFilter(ctx, req.query);
    const data = await getOverview(ctx, filter);
    const name = `overview-${filter.period}${filter.district ? `-d${filter.district}` : ''}${filter.categoryId ? `-c${filter.categoryId}` : ''}.csv`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${name}"`)
      .send(overviewCsv(data, req.lang));
  });

  app.get(
    '/api/v1/overview',
    {
      schema: {
        summary: 'Overview of public signals and questions: counts by category, district, status and unit, resolution times, weekly trend',
        description:
          'Only public, visible signals and questions are counted. Medians are in days, each with the number of cases it is based on. The numbers are computed at most every 5 minutes per filter.',
        tags: ['overview'],
        querystring: OverviewQuery,
        response: { 200: OverviewResponse, 400: ErrorSchema },
      },
      // A form's "all" choice arrives as an empty value: it means no filter.
      preValidation: async (req) => {
        req.query = dropEmpty(req.query) as typeof req.query;
      },
    },
    async (req) => {
      const filter = await parseFilter(ctx, req.query);
      return present(await getOverview(ctx, filter), req.query.lang ?? req.lang);
    },
  );
}
