import type { ComponentChildren, VNode } from 'preact';
import { render } from 'preact-render-to-string';
import type { Lang } from '../errors/index.js';
import { translator } from '../i18n/index.js';
import { CsrfContext, CsrfField } from './form.js';

/** What every page knows about its request. */
export interface PageCtx {
  lang: Lang;
  /** The current path with query, for the language switch to return to. */
  path: string;
  /** The logged-in person, for the user menu; null when anonymous. */
  user?: { username: string; role: string } | null;
  /** The CSRF token every POST form carries (CsrfField); asked only by pages with such a form. */
  csrf?: () => string;
}

interface LayoutProps {
  ctx: PageCtx;
  title: string;
  children: ComponentChildren;
  /** Extra stylesheets and scripts, for pages with a map. */
  styles?: string[];
  scripts?: string[];
  active?: 'home' | 'signal' | 'question' | 'overview' | 'directory';
}

/** The page frame: skip link, header with navigation and language switch, main, footer. */
export function Layout({ ctx, title, children, styles = [], scripts = [], active }: LayoutProps): VNode {
  const t = translator(ctx.lang);
  const other: Lang = ctx.lang === 'bg' ? 'en' : 'bg';
  const switchHref = `/lang/${other}?back=${encodeURIComponent(ctx.path)}`;
  const nav: [string, 'home' | 'signal' | 'question' | 'overview' | 'directory', string][] = [
    ['/', 'home', t('nav.home')],
    ['/signals/new', 'signal', t('nav.submitSignal')],
    ['/questions/new', 'question', t('nav.askQuestion')],
    ['/overview', 'overview', t('nav.overview')],
    ['/directory', 'directory', t('nav.directory')],
  ];
  return (
    <CsrfContext.Provider value={ctx.csrf}>
      <html lang={ctx.lang}>
        <head>
          <meta charSet="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${title} · ${t('site.short')}`}</title>
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/css/app.css" />
          {styles.map((s) => (
            <link rel="stylesheet" href={s} />
          ))}
        </head>
        <body>
          <a class="skip" href="#main">
            {t('site.skip')}
          </a>
          <header class="site-header">
            <div class="wrap header-row">
              <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">СО</span>
                <span>{t('site.name')}</span>
              </a>
              <div class="header-actions">
                <a class="lang-switch" href={switchHref} lang={other} hrefLang={other} aria-label={t('lang.switchLabel')}>
                  {t('lang.switch')}
                </a>
                {ctx.user ? (
                  <details class="user-menu">
                    <summary>
                      <span class="visually-hidden">{t('user.menu')} </span>
                      {ctx.user.username}
                    </summary>
                    <ul>
                      <li>
                        <a href="/my/cases">{t('user.myCases')}</a>
                      </li>
                      <li>
                        <a href="/my/subscriptions">{t('user.mySubscriptions')}</a>
                      </li>
                      <li>
                        <a href="/documents/new">{t('user.newDocument')}</a>
                      </li>
                      {['operator', 'officer', 'manager', 'clerk'].includes(ctx.user.role) && (
                        <li>
                          <a href="/staff">{t('user.staff')}</a>
                        </li>
                      )}
                      {ctx.user.role === 'admin' && (
                        <li>
                          <a href="/admin">{t('user.admin')}</a>
                        </li>
                      )}
                      <li>
                        <a href="/messages">{t('user.messages')}</a>
                      </li>
                      <li>
                        <a href="/account">{t('user.account')}</a>
                      </li>
                      <li>
                        <form method="post" action="/logout">
                          <CsrfField ctx={ctx} />
                          <button type="submit">{t('user.logout')}</button>
                        </form>
                      </li>
                    </ul>
                  </details>
                ) : (
                  <>
                    <a href={`/login?next=${encodeURIComponent(ctx.path.startsWith('/login') || ctx.path.startsWith('/register') ? '/' : ctx.path)}`}>{t('user.login')}</a>
                    <a href="/register">{t('user.register')}</a>
                  </>
                )}
              </div>
            </div>
            <nav class="wrap main-nav" aria-label={t('nav.main')}>
              <ul>
                {nav.map(([href, key, label]) => (
                  <li>
                    <a href={href} aria-current={active === key ? 'page' : undefined}>
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </header>
          <main id="main" class="wrap" tabIndex={-1}>
            {children}
          </main>
          <footer class="site-footer">
            <div class="wrap">
              <p>{t('footer.text')}</p>
              <p>{t('site.phone')}</p>
              <p>
                <a href="/docs/api">{t('nav.api')}</a>
              </p>
            </div>
          </footer>
          {scripts.map((s) => (
            <script src={s} defer></script>
          ))}
        </body>
      </html>
    </CsrfContext.Provider>
  );
}

/** Renders a page to an HTML document string; preact escapes every interpolated value. */
export function renderPage(vnode: VNode): string {
  return '<!doctype html>' + render(vnode);
}

/** Renders a fragment (no doctype), for enhancement requests. */
export function renderFragment(vnode: VNode<any>): string {
  return render(vnode);
}
