import { createContext, type VNode } from 'preact';
import { useContext } from 'preact/hooks';
import { errorMessage, type ErrorCode, type FieldIssue, type Lang } from '../errors/index.js';
import { HONEYPOT_FIELD, STAMP_FIELD } from './forms.js';
import { CSRF_FIELD } from './csrf.js';
import type { PageCtx } from './layout.js';

/** A labelled form control with its hint and error, tied together for screen readers (WCAG 1.3.1, 3.3.1). */
export function Field(props: { id: string; label: string; hint?: string; error?: FieldIssue; lang: 'bg' | 'en'; children: VNode }): VNode {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const errId = props.error ? `${props.id}-error` : undefined;
  const child = props.children;
  // Tie the control to its hint and error for screen readers without making every caller repeat it.
  const described = [hintId, errId].filter(Boolean).join(' ') || undefined;
  child.props = { ...child.props, 'aria-describedby': described ?? (child.props as { 'aria-describedby'?: string })['aria-describedby'], 'aria-invalid': props.error ? 'true' : undefined } as never;
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <span class="hint" id={hintId}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span class="field-error" id={errId}>
          {errorMessage(props.error.code, props.lang, props.error.params)}
        </span>
      )}
      {child}
    </div>
  );
}


/** The list of a form's problems at its top, each linking to its field (WCAG 3.3.1). */
export function ErrorSummary(props: { lang: Lang; title: string; issues: FieldIssue[]; formError?: ErrorCode; label: (field: string) => string; idOf?: (field: string) => string }): VNode | null {
  if (!props.issues.length && !props.formError) return null;
  const idOf = props.idOf ?? ((f: string) => f);
  return (
    <div class="error-summary" role="alert" tabIndex={-1} id="error-summary">
      <h2>{props.title}</h2>
      <ul>
        {props.formError && <li>{errorMessage(props.formError, props.lang)}</li>}
        {props.issues.map((i) => (
          <li>
            <a href={`#${idOf(i.field)}`}>
              {props.label(i.field)}: {errorMessage(i.code, props.lang, i.params)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The hidden bot-protection fields (AC-2): a honeypot people never see and the signed time the form was shown. */
export function HumanCheck({ stamp, label }: { stamp: string; label: string }): VNode {
  return (
    <>
      <div class="hp" aria-hidden="true">
        <label for={HONEYPOT_FIELD}>{label}</label>
        <input type="text" id={HONEYPOT_FIELD} name={HONEYPOT_FIELD} tabIndex={-1} autoComplete="off" />
      </div>
      <input type="hidden" name={STAMP_FIELD} value={stamp} />
    </>
  );
}

/** The page's CSRF token for forms in components that are not handed the page context (Layout provides it). */
export const CsrfContext = createContext<(() => string) | undefined>(undefined);

/**
 * The hidden CSRF token of a POST form (see csrf.ts): the first child of every POST form. The
 * token comes from `ctx`, or, inside a Layout, from the page itself.
 */
export function CsrfField({ ctx }: { ctx?: Pick<PageCtx, 'csrf'> }): VNode | null {
  const fromPage = useContext(CsrfContext);
  const token = (ctx?.csrf ?? fromPage)?.();
  return token ? <input type="hidden" name={CSRF_FIELD} value={token} /> : null;
}

/**
 * A multipart form's action with the CSRF token in its query: the route reads a multipart body
 * itself, after the CSRF check, so the check takes the token from the address. Without `ctx` it
 * must be called while a component inside a Layout renders (it reads CsrfContext).
 */
export function csrfAction(ctx: Pick<PageCtx, 'csrf'> | null, action: string): string {
  // eslint-disable-next-line react-hooks/rules-of-hooks -- only read during a component's render
  const token = (ctx ? ctx.csrf : useContext(CsrfContext))?.();
  return token ? `${action}${action.includes('?') ? '&' : '?'}${CSRF_FIELD}=${encodeURIComponent(token)}` : action;
}
