using System.Globalization;
using System.Text.RegularExpressions;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Acl;

/// <summary>
/// Several users in one shared folder while its owner keeps changing their rights, in a seeded random order: each
/// command is allowed or refused exactly as the rights say, and every session's view (the owner's stays selected
/// throughout and learns the others' changes from the change feed) matches a model of the folder after every step.
/// </summary>
public partial class SharedFolderRandomizedTests
{
    private const string Owner = "alice@example.test";
    private const string Pool = "\"Other Users/alice@example.test/Pool\"";
    private static readonly string[] Users = ["bob@example.test", "carol@example.test", "dave@example.test"];
    private static readonly char[] Grantable = ['r', 's', 'w', 'i', 't', 'e'];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(2026)]
    public async Task Every_view_stays_consistent_while_rights_change(int seed)
    {
        var random = new Random(seed);
        await using var server = await TestMailServer.StartAsync();
        server.Directory.AddUser("carol@example.test", "carol-pw");
        server.Directory.AddUser("dave@example.test", "dave-pw");
        await using var owner = await LoginAsync(server);
        await UntaggedAsync(owner, "c CREATE Pool");
        await UntaggedAsync(owner, "s SELECT Pool");

        var sessions = new Dictionary<string, LineClient>();
        var rights = Users.ToDictionary(u => u, _ => string.Empty);
        foreach (var user in Users)
        {
            sessions[user] = await LoginAsync(server, user, user[..user.IndexOf('@')] + "-pw");
        }

        // The model: UID -> flags, as everybody must see it.
        var model = new SortedDictionary<uint, SortedSet<string>>();
        uint nextUid = 1;
        try
        {
            for (var step = 0; step < 60; step++)
            {
                var user = Users[random.Next(Users.Length)];
                var client = sessions[user];
                switch (random.Next(6))
                {
                    case 0:
                        // The owner gives the user "l" and a random set of the other rights.
                        var granted = "l" + new string(Grantable.Where(_ => random.Next(2) == 0).ToArray());
                        rights[user] = granted;
                        await UntaggedAsync(owner, $"a SETACL Pool {user} {granted}");
                        break;
                    case 1:
                        var append = await TaggedAsync(client, $"b APPEND {Pool} {{13}}\r\nSubject: {step:D2}\r\n");
                        Assert.StartsWith(rights[user].Contains('i') ? "b OK" : "b NO", append, StringComparison.Ordinal);
                        if (rights[user].Contains('i'))
                        {
                            model[nextUid++] = [];
                        }

                        break;
                    default:
                        if (model.Count == 0 || !await SelectAsync(client, rights[user]))
                        {
                            break;
                        }

                        var uid = model.Keys.ElementAt(random.Next(model.Count));
                        var (flag, right) = random.Next(4) switch
                        {
                            0 => ("\\Seen", 's'),
                            1 => ("\\Deleted", 't'),
                            2 => ("\\Flagged", 'w'),
                            _ => ("$Work", 'w'),
                        };
                        var add = random.Next(3) != 0;
                        var store = await TaggedAsync(client, $"d UID STORE {uid} {(add ? '+' : '-')}FLAGS.SILENT ({flag})");
                        var writable = rights[user].IndexOfAny(['i', 'e', 's', 'w', 't']) >= 0;
                        Assert.StartsWith(writable && rights[user].Contains(right) ? "d OK" : "d NO", store, StringComparison.Ordinal);
                        if (writable && rights[user].Contains(right))
                        {
                            if (add)
                            {
                                model[uid].Add(flag);
                            }
                            else
                            {
                                model[uid].Remove(flag);
                            }
                        }

                        if (random.Next(3) == 0)
                        {
                            var expunge = await TaggedAsync(client, "e EXPUNGE");
                            Assert.StartsWith(writable && rights[user].Contains('e') ? "e OK" : "e NO", expunge, StringComparison.Ordinal);
                            if (writable && rights[user].Contains('e'))
                            {
                                foreach (var gone in model.Where(m => m.Value.Contains("\\Deleted")).Select(m => m.Key).ToList())
                                {
                                    model.Remove(gone);
                                }
                            }
                        }

                        break;
                }

                // The owner's session has stayed selected: NOOP brings it the others' changes.
                await UntaggedAsync(owner, "n NOOP");
                Assert.Equal(Describe(model), await ViewAsync(owner));
                foreach (var (other, session) in sessions)
                {
                    if (await SelectAsync(session, rights[other]))
                    {
                        Assert.Equal(Describe(model), await ViewAsync(session));
                    }
                }
            }
        }
        finally
        {
            foreach (var session in sessions.Values)
            {
                await session.DisposeAsync();
            }
        }
    }

    /// <summary>Selects the shared folder (again: rights are taken at SELECT); refused as the rights say.</summary>
    private static async Task<bool> SelectAsync(LineClient client, string rights)
    {
        var reply = await TaggedAsync(client, $"x SELECT {Pool}");
        if (!rights.Contains('r'))
        {
            // "l" only: the folder is visible, so the refusal says so (no rights at all would read NONEXISTENT).
            Assert.Equal(rights.Length == 0 ? "x NO [NONEXISTENT] No such mailbox" : "x NO [NOPERM] Permission denied", reply);
            return false;
        }

        Assert.StartsWith(rights.IndexOfAny(['i', 'e', 's', 'w', 't']) >= 0 ? "x OK [READ-WRITE]" : "x OK [READ-ONLY]", reply, StringComparison.Ordinal);
        return true;
    }

    private static async Task<List<string>> ViewAsync(LineClient client)
    {
        var view = new List<string>();
        foreach (var line in await UntaggedAsync(client, "f UID FETCH 1:4294967295 (UID FLAGS)"))
        {
            var match = FetchLine().Match(line);
            if (match.Success)
            {
                var flags = match.Groups["flags"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f != "\\Recent").Order(StringComparer.Ordinal);
                view.Add(match.Groups["uid"].Value + ":" + string.Join(' ', flags));
            }
        }

        return view;
    }

    private static List<string> Describe(SortedDictionary<uint, SortedSet<string>> model) =>
        model.Select(m => m.Key.ToString(CultureInfo.InvariantCulture) + ":" + string.Join(' ', m.Value.Order(StringComparer.Ordinal))).ToList();

    [GeneratedRegex(@"^\* \d+ FETCH \((?=.*UID (?<uid>\d+))(?=.*FLAGS \((?<flags>[^)]*)\))")]
    private static partial Regex FetchLine();
}
