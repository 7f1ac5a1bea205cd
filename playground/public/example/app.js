/**
 * The example frontend: signs in through Users & Permissions (POST /api/auth/local), asks the plugin for the
 * signed-in user's own offers (POST /api/button-personalization/offers with the user's JWT and no user_id: the
 * server derives it from the user) and, on a tap, shows the pubRef and URL the app would hand to Button's SDK.
 * Plain browser JavaScript, no build step. Served by Strapi's public folder, so it is the same origin as the API
 * and needs no CORS setup; when hosting it elsewhere, set STRAPI_URL and allow that origin in strapi::cors.
 */

const STRAPI_URL = window.location.origin;
const OFFERS_PATH = '/api/button-personalization/offers';

/**
 * The session lives in this variable only, never in localStorage or sessionStorage: any script running on the
 * origin (an injected one included) can read web storage, and a token stored there outlives the tab. Reloading
 * the page signs the user out; a real app would rather keep the session in an httpOnly cookie set by its backend.
 * @type {{ jwt: string, user: { email: string, username: string } } | null}
 */
let session = null;
/** The merchants of the last answer, to find the tapped offer again. */
let merchants = [];

const $ = (id) => document.getElementById(id);
const els = {
  status: $('status'),
  error: $('error'),
  signIn: $('sign-in'),
  identifier: $('identifier'),
  password: $('password'),
  offers: $('offers'),
  who: $('who'),
  list: $('merchants'),
  refresh: $('refresh'),
  signOut: $('sign-out'),
  app: $('app'),
  handoff: $('handoff'),
  handoffEmpty: $('handoff-empty'),
  handoffDetails: $('handoff-details'),
};

function showError(message) {
  els.error.textContent = message;
  els.error.hidden = !message;
}

function setStatus(message) {
  els.status.textContent = message;
}

/** Seconds from a Retry-After header (delay-seconds or an HTTP date), or undefined. */
function retryAfterSeconds(response) {
  const value = response.headers.get('Retry-After');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

async function signIn(identifier, password) {
  const response = await fetch(`${STRAPI_URL}/api/auth/local`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier, password }),
  });
  const body = await readJson(response);
  if (response.ok && body?.jwt) return { jwt: body.jwt, user: body.user };
  if (response.status === 429) {
    const wait = retryAfterSeconds(response);
    throw new Error(`Too many sign-in attempts. Wait ${wait ? `${wait} seconds` : 'a minute'} and try again.`);
  }
  if (response.status === 400 || response.status === 401) {
    throw new Error('That email and password do not match an account. Check them and try again.');
  }
  throw new Error(`Signing in failed (HTTP ${response.status}). Try again in a moment.`);
}

/** Turns an offers error answer into plain words; `signedOut` when the user has to sign in again. */
function offersError(response, body) {
  const wait = retryAfterSeconds(response);
  const later = wait ? `in ${wait} second${wait === 1 ? '' : 's'}` : 'in a moment';
  switch (response.status) {
    case 401:
      return { message: 'Your session has ended. Sign in again to see your offers.', signedOut: true };
    case 403:
      return {
        message: 'This account may not see offers. An admin has to allow the Authenticated role to use the offers endpoint.',
      };
    case 429:
      return { message: `Too many requests for your offers. Try again ${later}.`, wait };
    case 503:
      return { message: `Offers are unavailable right now (Button cannot be reached). Try again ${later}.`, wait };
    default:
      return { message: body?.error?.message || `Loading offers failed (HTTP ${response.status}).` };
  }
}

async function loadOffers() {
  if (!session) return;
  showError('');
  setStatus('Loading your offers…');
  els.refresh.disabled = true;
  let response;
  try {
    response = await fetch(`${STRAPI_URL}${OFFERS_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.jwt}` },
      // No user_id: the server answers for the signed-in user (naming anyone else is refused with 403).
      body: JSON.stringify({}),
    });
  } catch {
    setStatus('');
    showError('The server cannot be reached. Check your connection and try again.');
    els.refresh.disabled = false;
    return;
  }
  const body = await readJson(response);
  if (!response.ok) {
    const problem = offersError(response, body);
    setStatus('');
    showError(problem.message);
    if (problem.signedOut) signOut(false);
    // Asking again before the server's Retry-After only earns another refusal.
    setTimeout(() => (els.refresh.disabled = false), (problem.wait ?? 0) * 1000);
    return;
  }
  els.refresh.disabled = false;
  merchants = body.data;
  renderMerchants();
  const count = merchants.reduce((sum, merchant) => sum + merchant.offers.length, 0);
  setStatus(`${count} offer${count === 1 ? '' : 's'} from ${merchants.length} merchants, fetched just now.`);
}

/** Logo URLs from Strapi's Media Library are relative (/uploads/...): resolved against the Strapi URL. */
function mediaUrl(url) {
  return new URL(url, STRAPI_URL).href;
}

function formatRate(offer) {
  if (offer.rate_percent !== null) return `${offer.rate_percent}% back`;
  if (offer.rate_fixed !== null) {
    if (!offer.currency) return `${offer.rate_fixed} back`;
    try {
      const money = new Intl.NumberFormat(undefined, { style: 'currency', currency: offer.currency });
      return `${money.format(Number(offer.rate_fixed))} back`;
    } catch {
      return `${offer.rate_fixed} ${offer.currency} back`;
    }
  }
  return 'Cashback';
}

function merchantName(entry) {
  return entry.merchant?.name ?? entry.merchant_id;
}

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function renderMerchants() {
  els.list.replaceChildren();
  if (merchants.length === 0) {
    els.list.append(element('li', { class: 'hint', text: 'No offers for you right now.' }));
    return;
  }
  for (const entry of merchants) {
    const name = merchantName(entry);
    const logo = entry.merchant?.logo
      ? element('img', {
          class: 'logo',
          src: mediaUrl(entry.merchant.logo.url),
          alt: entry.merchant.logo.alternativeText || `${name} logo`,
          width: '56',
          height: '56',
        })
      : element('div', { class: 'logo', 'aria-hidden': 'true', text: name.slice(0, 1).toUpperCase() });
    const offers = entry.offers.map((offer) => {
      const headline = offer.headline ?? `Cashback at ${name}`;
      const label = element('span', { text: headline });
      if (offer.id === entry.best_offer_id && entry.offers.length > 1) {
        label.append(element('span', { class: 'badge', text: 'Best' }));
      }
      const button = element('button', { type: 'button', class: 'offer', 'data-offer-id': offer.id, 'aria-pressed': 'false' }, [
        label,
        element('span', { class: 'rate', text: formatRate(offer) }),
      ]);
      button.addEventListener('click', () => showHandoff(entry, offer, button));
      return element('li', {}, [button]);
    });
    els.list.append(
      element('li', { class: 'merchant', 'aria-label': name }, [
        logo,
        element('h3', { text: name }),
        element('ul', { class: 'offer-list', 'aria-label': `Offers from ${name}` }, offers),
      ])
    );
  }
}

/** What the app would do on a tap: give Button's SDK the merchant's URL and this offer's pubRef. */
function showHandoff(entry, offer, button) {
  for (const pressed of els.list.querySelectorAll('[aria-pressed="true"]')) pressed.setAttribute('aria-pressed', 'false');
  button.setAttribute('aria-pressed', 'true');
  const url = entry.merchant?.cta_url ?? null;
  $('handoff-merchant').textContent = merchantName(entry);
  $('handoff-offer').textContent = `${offer.headline ?? offer.id} (${formatRate(offer)})`;
  $('handoff-pub-ref').textContent = offer.pub_ref;
  $('handoff-url').textContent = url ?? '(no CTA URL in the CMS entry: the app would use the merchant’s own link)';
  const shownUrl = url ?? 'https://merchant.example/';
  $('handoff-snippet').textContent = [
    `let request = PurchasePathRequest(url: URL(string: ${JSON.stringify(shownUrl)})!)`,
    `request.pubRef = ${JSON.stringify(offer.pub_ref)}`,
    'Button.purchasePath.fetch(request: request) { purchasePath, error in',
    '  purchasePath?.start()',
    '}',
  ].join('\n');
  els.handoffEmpty.hidden = true;
  els.handoffDetails.hidden = false;
  // On a narrow screen the panel is below the list.
  els.handoff.scrollIntoView({ block: 'nearest' });
}

function signOut(clearMessages = true) {
  session = null;
  merchants = [];
  els.list.replaceChildren();
  els.offers.hidden = true;
  els.handoff.hidden = true;
  els.handoffEmpty.hidden = false;
  els.handoffDetails.hidden = true;
  els.app.classList.remove('signed-in');
  els.signIn.hidden = false;
  if (clearMessages) {
    showError('');
    setStatus('Signed out.');
  }
}

els.signIn.addEventListener('submit', async (event) => {
  event.preventDefault();
  const submit = els.signIn.querySelector('button[type="submit"]');
  submit.disabled = true;
  showError('');
  setStatus('Signing in…');
  try {
    session = await signIn(els.identifier.value.trim(), els.password.value);
  } catch (error) {
    setStatus('');
    showError(error instanceof TypeError ? 'The server cannot be reached. Check your connection and try again.' : error.message);
    return;
  } finally {
    submit.disabled = false;
  }
  els.signIn.hidden = true;
  els.offers.hidden = false;
  els.handoff.hidden = false;
  els.app.classList.add('signed-in');
  els.who.textContent = `Signed in as ${session.user?.email ?? els.identifier.value}`;
  await loadOffers();
});

els.refresh.addEventListener('click', () => loadOffers());
els.signOut.addEventListener('click', () => signOut());
