namespace Herald.Tests.Interop;

/// <summary>The foreign producers and consumers of the interop tests: plain redis-py, as docs/wire-format.md describes.</summary>
internal static class PythonScripts
{
    /// <summary>Put before every script: <c>r</c> is a client of the server named by argv 1 and 2, <c>args</c> the rest of argv.</summary>
    public const string Prelude = """
        import base64, gzip, json, sys, time
        import redis

        r = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]))
        args = sys.argv[3:]

        """;

    /// <summary>argv: stream — XADDs two full Herald envelopes (one gzip-compressed); prints their entry ids.</summary>
    public const string AddEnvelopes = """
        stream = args[0]
        plain = {
            "id": "py-1",
            "type": "test.order.placed",
            "source": "python-producer",
            "time": "2024-05-06T07:08:09.123Z",
            "datacontenttype": "application/json",
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "partitionkey": "customer-7",
            "h-tenant": "acme",
            "h-trace-tag": "blue",
            "data": json.dumps({"orderId": "py-1", "amount": 12.5}),
        }
        compressed = {
            "id": "py-2",
            "type": "test.order.placed",
            "source": "python-producer",
            "datacontenttype": "application/json",
            "contentencoding": "gzip",
            "attempt": "2",
            "data": gzip.compress(json.dumps({"orderId": "py-2", "amount": 3}).encode()),
        }
        print(json.dumps([r.xadd(stream, entry).decode() for entry in (plain, compressed)]))
        """;

    /// <summary>argv: stream — reads every entry; prints field names in order, text fields, and the body parsed as JSON.</summary>
    public const string ReadEntries = """
        stream = args[0]
        out = []
        for entry_id, fields in r.xrange(stream):
            names = [name.decode() for name in fields]
            text = {name.decode(): value.decode() for name, value in fields.items() if name != b"data"}
            body = fields[b"data"]
            if text.get("contentencoding") == "gzip":
                body = gzip.decompress(body)
            out.append({"entry": entry_id.decode(), "names": names, "fields": text, "body": json.loads(body)})
        print(json.dumps(out))
        """;

    /// <summary>argv: stream key-base64 — decrypts the first entry: nonce (12) | tag (16) | ciphertext, the message id as associated data.</summary>
    public const string DecryptEntry = """
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        stream, key = args[0], base64.b64decode(args[1])
        entry_id, fields = r.xrange(stream, count=1)[0]
        assert fields[b"contentencoding"] == b"aes256gcm", fields[b"contentencoding"]
        data = fields[b"data"]
        nonce, tag, ciphertext = data[:12], data[12:28], data[28:]
        plaintext = AESGCM(key).decrypt(nonce, ciphertext + tag, fields[b"id"])
        print(json.dumps({"id": fields[b"id"].decode(), "keyid": fields[b"keyid"].decode(), "plaintext": plaintext.decode()}))
        """;

    /// <summary>argv: channel — PUBLISHes two CloudEvents and one plain JSON message; prints the receiver counts.</summary>
    public const string PublishCloudEvents = """
        channel = args[0]
        order = {
            "specversion": "1.0",
            "id": "py-ce-1",
            "type": "test.order.placed",
            "source": "python-producer",
            "time": "2024-05-06T07:08:09Z",
            "datacontenttype": "application/json",
            "partitionkey": "customer-7",
            "heraldheaders": {"tenant": "acme"},
            "comexampleextension": "ignored",
            "data": {"orderId": "py-ce-1", "amount": 12.5},
        }
        blob = {
            "specversion": "1.0",
            "id": "py-ce-2",
            "type": "test.blob",
            "source": "python-producer",
            "datacontenttype": "application/octet-stream",
            "data_base64": base64.b64encode(bytes([0, 1, 254, 255])).decode(),
        }
        plain = {"orderId": "py-plain", "amount": 1}
        print(json.dumps([r.publish(channel, json.dumps(message)) for message in (order, blob, plain)]))
        """;

    /// <summary>argv: channel count — subscribes, prints the first count messages parsed as JSON (or what arrived within 20 s).</summary>
    public const string SubscribeCloudEvents = """
        channel, count = args[0], int(args[1])
        p = r.pubsub(ignore_subscribe_messages=True)
        p.subscribe(channel)
        events = []
        deadline = time.monotonic() + 20
        while len(events) < count and time.monotonic() < deadline:
            message = p.get_message(timeout=1.0)
            if message is not None:
                events.append(json.loads(message["data"]))
        print(json.dumps(events))
        """;
}
