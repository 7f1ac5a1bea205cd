'use strict';

module.exports = {
  /** GET or POST /api/ping: a tiny JSON answer, no database, no upstream. */
  async find(ctx) {
    ctx.body = { data: { ok: true } };
  },
};
