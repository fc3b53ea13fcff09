using CustomStore;

// A server whose messages live in InboxOnlyStore: send with `swaks --server 127.0.0.1 --port 2526 --to ann@custom.test`,
// read with any IMAP client on port 2144 as ann@custom.test / ann-pw.
await using var server = await CustomStoreServer.StartAsync(args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2526, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2144);
foreach (var endpoint in server.Endpoints)
{
    Console.WriteLine($"listening {endpoint.Name} {endpoint.EndPoint}");
}

Console.WriteLine("ready (Ctrl+C stops)");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
await stop.Task;
