import { inflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser, dbSnapshot, expectError, parseJson, showUser, XML_TYPE } from './helpers/api.js';
import { DIALECTS } from './helpers/dialects.js';
import { makeGif, makeJpeg, makePng, multipartFile } from './helpers/images.js';
import { makeTestApp, validUser, XML, type TestApp } from './helpers/test-app.js';

const AVATAR_URL = /^\/api\/users\/(\d+)\/avatar\?v=\d+(?:\.\d+)?$/;

for (const dialect of DIALECTS) {
  describe(`avatars on ${dialect.name}`, () => {
    let t: TestApp;
    let id: number;
    beforeEach(async () => {
      t = await makeTestApp(dialect, { avatarLimit: 4096 });
      ({ id } = await createUser(t, validUser()));
    });
    afterEach(async () => {
      await t.close();
    });

    const upload = (file: Parameters<typeof multipartFile>[0], userId = id, accept = 'application/json') =>
      t.request({ method: 'PUT', url: `/api/users/${userId}/avatar`, ...withAccept(multipartFile(file), accept) });

    function withAccept(mp: ReturnType<typeof multipartFile>, accept: string) {
      return { payload: mp.payload, headers: { ...mp.headers, accept } };
    }

    it('the test PNG is a real PNG (signature, IHDR 1x1 RGBA, inflatable IDAT)', () => {
      const png = makePng();
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
      expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([1, 1, 8, 6]);
      const idatLength = png.readUInt32BE(33);
      expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
      expect(inflateSync(png.subarray(41, 41 + idatLength))).toEqual(Buffer.from([0, 255, 0, 0, 255]));
    });

    it('stores a PNG, points avatar-thumb-url at it, and serves the same bytes as image/png', async () => {
      const png = makePng({ width: 2, height: 2, rgba: [0, 128, 255, 255] });
      const res = await upload({ filename: 'me.png', contentType: 'image/png', data: png });
      expect(res.statusCode, res.body).toBe(200);
      const user = parseJson(res);
      expect(user.id).toBe(id);
      const url = String(user['avatar-thumb-url']);
      expect(url).toMatch(AVATAR_URL);
      expect(AVATAR_URL.exec(url)?.[1]).toBe(String(id));
      expect((await showUser(t, id))['avatar-thumb-url']).toBe(url);

      const image = await t.request({ method: 'GET', url });
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.rawPayload).toEqual(png);
    });

    it('answers the upload in XML by default, with avatar-thumb-url set', async () => {
      const mp = multipartFile({ filename: 'me.png', contentType: 'image/png', data: makePng() });
      const res = await t.request({ method: 'PUT', url: `/api/users/${id}/avatar`, ...mp });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(XML_TYPE);
      expect(res.body).toMatch(/\n {2}<avatar-thumb-url>\/api\/users\/\d+\/avatar\?v=[\d.]+<\/avatar-thumb-url>\n/);
    });

    it('accepts a GIF and serves it as image/gif', async () => {
      const gif = makeGif();
      const res = await upload({ filename: 'me.gif', contentType: 'image/gif', data: gif });
      expect(res.statusCode, res.body).toBe(200);
      const image = await t.request({ method: 'GET', url: String(parseJson(res)['avatar-thumb-url']) });
      expect(image.headers['content-type']).toBe('image/gif');
      expect(image.rawPayload).toEqual(gif);
    });

    it('accepts a JPEG and serves it as image/jpeg', async () => {
      const jpeg = makeJpeg();
      const res = await upload({ filename: 'me.jpg', contentType: 'image/jpeg', data: jpeg });
      expect(res.statusCode, res.body).toBe(200);
      const image = await t.request({ method: 'GET', url: `/api/users/${id}/avatar` });
      expect(image.headers['content-type']).toBe('image/jpeg');
      expect(image.rawPayload).toEqual(jpeg);
    });

    it('trusts the bytes, not the declared type: a GIF sent as image/png is served as image/gif', async () => {
      const res = await upload({ filename: 'lies.png', contentType: 'image/png', data: makeGif() });
      expect(res.statusCode).toBe(200);
      const image = await t.request({ method: 'GET', url: `/api/users/${id}/avatar` });
      expect(image.headers['content-type']).toBe('image/gif');
    });

    it('replaces an earlier avatar', async () => {
      await upload({ filename: 'a.png', contentType: 'image/png', data: makePng() });
      const gif = makeGif();
      await upload({ filename: 'b.gif', contentType: 'image/gif', data: gif });
      const image = await t.request({ method: 'GET', url: `/api/users/${id}/avatar` });
      expect(image.rawPayload).toEqual(gif);
      const rows = await t.store.db.selectFrom('avatars').select('user_id').execute();
      expect(rows).toHaveLength(1);
    });

    describe('refuses', () => {
      it('a text file with 400 invalid_avatar and stores nothing', async () => {
        const before = await dbSnapshot(t.store);
        const res = await upload({ filename: 'notes.txt', contentType: 'text/plain', data: Buffer.from('hello, world\n') });
        expectError(res, 'invalid_avatar', ['Avatar must be a PNG, JPEG or GIF image']);
        expect(await dbSnapshot(t.store)).toEqual(before);
      });

      it('a non-image named .png and sent as image/png', async () => {
        const before = await dbSnapshot(t.store);
        const res = await upload({
          filename: 'avatar.png',
          contentType: 'image/png',
          data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
        });
        expectError(res, 'invalid_avatar', ['Avatar must be a PNG, JPEG or GIF image']);
        expect(await dbSnapshot(t.store)).toEqual(before);
      });

      it('an empty file', async () => {
        const res = await upload({ filename: 'empty.png', contentType: 'image/png', data: Buffer.alloc(0) });
        expectError(res, 'invalid_avatar', ['Avatar must be a PNG, JPEG or GIF image']);
      });

      it('a PDF', async () => {
        const res = await upload({
          filename: 'cv.pdf',
          contentType: 'application/pdf',
          data: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'),
        });
        expectError(res, 'invalid_avatar', ['Avatar must be a PNG, JPEG or GIF image']);
      });

      it('a file over the avatar limit with 413, keeping the old avatar', async () => {
        const first = await upload({ filename: 'ok.png', contentType: 'image/png', data: makePng() });
        const before = await dbSnapshot(t.store);
        const big = makePng({ padding: 5000 });
        expect(big.length).toBeGreaterThan(4096);
        const res = await upload({ filename: 'big.png', contentType: 'image/png', data: big });
        expectError(res, 'payload_too_large', ['Request body is too large']);
        expect(await dbSnapshot(t.store)).toEqual(before);
        expect((await showUser(t, id))['avatar-thumb-url']).toBe(parseJson(first)['avatar-thumb-url']);
      });

      it('an image sent in a field other than `file`', async () => {
        const before = await dbSnapshot(t.store);
        const res = await upload({ field: 'image', filename: 'me.png', contentType: 'image/png', data: makePng() });
        expectError(res, 'invalid_avatar', ['Send the image as multipart/form-data in a field named file']);
        expect(await dbSnapshot(t.store)).toEqual(before);
      });

      it('a body that is not multipart', async () => {
        const res = await t.request({ method: 'PUT', url: `/api/users/${id}/avatar`, headers: XML, payload: '<user/>' });
        expectError(res, 'invalid_avatar', ['Send the image as multipart/form-data in a field named file']);
      });

      it('a raw image body: a 415 that names multipart, not XML or JSON', async () => {
        const before = await dbSnapshot(t.store);
        for (const contentType of ['image/png', 'application/octet-stream']) {
          const res = await t.request({
            method: 'PUT',
            url: `/api/users/${id}/avatar`,
            headers: { 'content-type': contentType },
            payload: makePng(),
          });
          expectError(res, 'unsupported_media_type', [
            `Unsupported Content-Type '${contentType}': send the image as multipart/form-data in a field named file`,
          ]);
        }
        expect(await dbSnapshot(t.store)).toEqual(before);
      });

      it('an upload for an unknown user with 404', async () => {
        const res = await upload({ filename: 'me.png', contentType: 'image/png', data: makePng() }, 999);
        expectError(res, 'not_found', ["Couldn't find User with 'id'=999"]);
        expect(await t.store.db.selectFrom('avatars').select('user_id').execute()).toEqual([]);
      });
    });

    it('GET of a user without an avatar is 404', async () => {
      const res = await t.request({ method: 'GET', url: `/api/users/${id}/avatar` });
      expectError(res, 'not_found', [`User ${id} has no avatar`]);
    });

    it('DELETE clears the avatar: avatar-thumb-url is nil and the image is gone', async () => {
      await upload({ filename: 'me.png', contentType: 'image/png', data: makePng() });
      const res = await t.request({ method: 'DELETE', url: `/api/users/${id}/avatar` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('\n  <avatar-thumb-url nil="true" />\n');
      expect((await showUser(t, id))['avatar-thumb-url']).toBeNull();
      expectError(await t.request({ method: 'GET', url: `/api/users/${id}/avatar` }), 'not_found', [`User ${id} has no avatar`]);
      expect(await t.store.db.selectFrom('avatars').select('user_id').execute()).toEqual([]);
    });

    it('DELETE for an unknown user is 404', async () => {
      expectError(await t.request({ method: 'DELETE', url: '/api/users/999/avatar' }), 'not_found', [
        "Couldn't find User with 'id'=999",
      ]);
    });

    it('a user update does not touch the avatar, and a client cannot set avatar-thumb-url', async () => {
      const res = await upload({ filename: 'me.png', contentType: 'image/png', data: makePng() });
      const url = parseJson(res)['avatar-thumb-url'];
      const put = await t.request({
        method: 'PUT',
        url: `/api/users/${id}`,
        headers: XML,
        payload: '<user><lastname>X</lastname><avatar-thumb-url>http://elsewhere/x.png</avatar-thumb-url></user>',
      });
      expect(put.headers['x-roster-ignored-elements']).toBe('avatar-thumb-url');
      expect((await showUser(t, id))['avatar-thumb-url']).toBe(url);
    });
  });
}
