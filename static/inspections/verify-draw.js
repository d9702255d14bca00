/* 摇号结果浏览器验证器（DOMAIN §4，hmac-sha256-v1 / hmac-sha256-v2）。
 *
 * 全部计算在浏览器本地完成，不向服务器发送任何内容。SHA-256 与 HMAC-SHA256 用纯 JavaScript 实现
 * （不依赖只在 HTTPS 下可用的 WebCrypto），与 Python 的 hashlib/hmac 结果逐位相同。
 *   v1：种子 + 名录文件 → 名录哈希、抽中名单。
 *   v2：种子份额 + 公开随机数 + 名录文件 → 种子份额承诺值、名录哈希、摇号种子 = HMAC-SHA256(种子份额, 公开随机数)、抽中名单。
 */
(function () {
  "use strict";

  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  var W = new Uint32Array(64);

  function compress(h, bytes, offset) {
    var i, t1, t2;
    for (i = 0; i < 16; i++) {
      var j = offset + i * 4;
      W[i] = ((bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3]) >>> 0;
    }
    for (i = 16; i < 64; i++) {
      var a = W[i - 15], b = W[i - 2];
      var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) >>> 0;
    }
    var A = h[0], B = h[1], C = h[2], D = h[3], E = h[4], F = h[5], G = h[6], H = h[7];
    for (i = 0; i < 64; i++) {
      var S1 = ((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7));
      var ch = (E & F) ^ (~E & G);
      t1 = (H + S1 + ch + K[i] + W[i]) >>> 0;
      var S0 = ((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10));
      var maj = (A & B) ^ (A & C) ^ (B & C);
      t2 = (S0 + maj) >>> 0;
      H = G; G = F; F = E; E = (D + t1) >>> 0; D = C; C = B; B = A; A = (t1 + t2) >>> 0;
    }
    h[0] = (h[0] + A) >>> 0; h[1] = (h[1] + B) >>> 0; h[2] = (h[2] + C) >>> 0; h[3] = (h[3] + D) >>> 0;
    h[4] = (h[4] + E) >>> 0; h[5] = (h[5] + F) >>> 0; h[6] = (h[6] + G) >>> 0; h[7] = (h[7] + H) >>> 0;
  }

  // SHA-256 of ``bytes``, continuing from ``state`` after ``prefixLength`` bytes already hashed (whole blocks).
  function sha256(bytes, state, prefixLength) {
    var h = state ? state.slice() : IV.slice();
    var n = bytes.length, full = n - (n % 64), i;
    for (i = 0; i < full; i += 64) compress(h, bytes, i);
    var rest = n - full, tailLength = rest < 56 ? 64 : 128;
    var tail = new Uint8Array(tailLength);
    tail.set(bytes.subarray(full));
    tail[rest] = 0x80;
    var bits = (n + (prefixLength || 0)) * 8;
    var high = Math.floor(bits / 0x100000000), low = bits >>> 0;
    tail[tailLength - 8] = high >>> 24; tail[tailLength - 7] = high >>> 16; tail[tailLength - 6] = high >>> 8; tail[tailLength - 5] = high;
    tail[tailLength - 4] = low >>> 24; tail[tailLength - 3] = low >>> 16; tail[tailLength - 2] = low >>> 8; tail[tailLength - 1] = low;
    for (i = 0; i < tailLength; i += 64) compress(h, tail, i);
    var out = new Uint8Array(32);
    for (i = 0; i < 8; i++) { out[i * 4] = h[i] >>> 24; out[i * 4 + 1] = h[i] >>> 16; out[i * 4 + 2] = h[i] >>> 8; out[i * 4 + 3] = h[i]; }
    return out;
  }

  function hex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return s;
  }

  function fromHex(text) {
    if (!/^[0-9a-f]{64}$/.test(text)) throw new Error("须为 64 位小写十六进制字符");
    var out = new Uint8Array(32);
    for (var i = 0; i < 32; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
    return out;
  }

  // A keyed HMAC-SHA256 (key ≤ 64 bytes): the inner and outer pads are hashed once.
  function hmacKey(key) {
    var ipad = new Uint8Array(64), opad = new Uint8Array(64);
    for (var i = 0; i < 64; i++) { var k = i < key.length ? key[i] : 0; ipad[i] = k ^ 0x36; opad[i] = k ^ 0x5c; }
    var inner = IV.slice(), outer = IV.slice();
    compress(inner, ipad, 0);
    compress(outer, opad, 0);
    return function (message) { return sha256(sha256(message, inner, 64), outer, 64); };
  }

  var utf8 = new TextEncoder();

  // ceil(ratio × size) with the ratio as an exact decimal (never a float).
  function take(ratio, size) {
    var m = /^(\d+)(?:\.(\d+))?$/.exec(ratio);
    if (!m) throw new Error("比例格式不正确：" + ratio);
    var digits = m[2] || "";
    var numerator = BigInt(m[1] + digits) * BigInt(size), denominator = BigInt(10) ** BigInt(digits.length);
    var k = numerator / denominator + (numerator % denominator ? BigInt(1) : BigInt(0));
    return Number(k < BigInt(size) ? k : BigInt(size));
  }

  function parseRatios(text) {
    var ratios = {};
    text.split(/[\s,，;；]+/).filter(Boolean).forEach(function (part) {
      var m = /^([A-Za-z])\s*[=:：]\s*([\d.]+)$/.exec(part);
      if (!m) throw new Error("比例请写成 A=0.01 B=0.03 C=0.10 D=0.30，无法识别：" + part);
      ratios[m[1].toUpperCase()] = m[2];
    });
    return ratios;
  }

  function draw(seedHex, population, ratios) {
    var mac = hmacKey(fromHex(seedHex));
    var lines = new TextDecoder("ascii").decode(population).split("\n").filter(Boolean);
    var strata = {};
    lines.forEach(function (line) {
      var parts = line.split(",");
      (strata[parts[1]] = strata[parts[1]] || []).push([hex(mac(utf8.encode(parts[0]))), parts[0]]);
    });
    var result = [];
    Object.keys(strata).sort().forEach(function (stratum) {
      var ranked = strata[stratum].sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : (a[1] < b[1] ? -1 : 1); });
      if (!(stratum in ratios)) throw new Error("缺少 " + stratum + " 类的抽查比例");
      var k = take(ratios[stratum], ranked.length);
      result.push({ stratum: stratum, size: ranked.length, ratio: ratios[stratum], selected: ranked.slice(0, k).map(function (r) { return r[1]; }) });
    });
    return result;
  }

  window.DrawVerifier = { sha256Hex: function (bytes) { return hex(sha256(bytes)); }, hmacHex: function (keyHex, text) { return hex(hmacKey(fromHex(keyHex))(utf8.encode(text))); }, draw: draw, take: take };

  // --- the page ---------------------------------------------------------------------------------

  function line(out, label, value, expected) {
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = label + "：";
    p.appendChild(strong);
    var code = document.createElement("code");
    code.textContent = value;
    p.appendChild(code);
    if (expected !== undefined && expected !== null && expected !== "") {
      var ok = value === expected;
      var mark = document.createElement("span");
      mark.className = ok ? "verify-ok" : "verify-bad";
      mark.setAttribute("data-check", ok ? "ok" : "bad");
      mark.textContent = ok ? " ✓ 与公布的一致" : " ✗ 与公布的不一致（公布：" + expected + "）";
      p.appendChild(mark);
    }
    out.appendChild(p);
  }

  function start() {
    var form = document.getElementById("draw-verifier");
    if (!form) return;
    var dataNode = document.getElementById("draw-data");
    var published = dataNode ? JSON.parse(dataNode.textContent) : null;
    var algorithm = form.querySelector("[name=algorithm]");
    function toggle() {
      var v2 = algorithm.value === "hmac-sha256-v2";
      form.querySelectorAll("[data-v2]").forEach(function (el) { el.hidden = !v2; });
      form.querySelectorAll("[data-v1]").forEach(function (el) { el.hidden = v2; });
    }
    if (published) {
      algorithm.value = published.algorithm;
      if (published.seed) form.querySelector("[name=seed]").value = published.seed;
      if (published.public_value) form.querySelector("[name=public_value]").value = published.public_value;
      if (published.ratios) form.querySelector("[name=ratios]").value = Object.keys(published.ratios).sort().map(function (s) { return s + "=" + published.ratios[s]; }).join(" ");
    }
    algorithm.addEventListener("change", toggle);
    toggle();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var out = document.getElementById("draw-verifier-output");
      out.textContent = "";
      out.setAttribute("data-state", "running");
      var file = form.querySelector("[name=population]").files[0];
      if (!file) { out.textContent = "请选择名录文件 population.csv"; out.setAttribute("data-state", "error"); return; }
      file.arrayBuffer().then(function (buffer) {
        var population = new Uint8Array(buffer);
        var v2 = algorithm.value === "hmac-sha256-v2";
        var seed;
        line(out, "名录文件哈希（SHA-256）", hex(sha256(population)), published && published.population_sha256);
        if (v2) {
          var share = form.querySelector("[name=seed_share]").value.trim();
          var value = form.querySelector("[name=public_value]").value.trim();
          line(out, "种子份额承诺值（SHA-256）", hex(sha256(fromHex(share))), published && published.seed_share_sha256);
          seed = hex(hmacKey(fromHex(share))(utf8.encode(value)));
          line(out, "摇号种子 HMAC-SHA256(种子份额, 公开随机数)", seed);
        } else {
          seed = form.querySelector("[name=seed]").value.trim();
        }
        var strata = draw(seed, population, parseRatios(form.querySelector("[name=ratios]").value));
        var selected = [];
        strata.forEach(function (s) {
          line(out, s.stratum + " 类", s.size + " 户 × " + s.ratio + " → 抽中 " + s.selected.length + " 户");
          selected = selected.concat(s.selected);
        });
        selected.sort();
        if (published && published.selected) {
          line(out, "抽中名单（按代码排序）", selected.length + " 户", null);
          var same = selected.length === published.selected.length && selected.every(function (c, i) { return c === published.selected[i]; });
          line(out, "与公布的抽中名单比较", same ? "完全一致" : "不一致", "完全一致");
        }
        var pre = document.createElement("pre");
        pre.className = "snippet";
        pre.setAttribute("data-selected", "");
        pre.textContent = selected.join("\n");
        out.appendChild(pre);
        out.setAttribute("data-state", "done");
      }).catch(function (error) {
        out.textContent = "无法完成验证：" + error.message;
        out.setAttribute("data-state", "error");
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
