using MailKitServer.Imap.Search;

namespace MailKitServer.Imap.Tests.Search;

/// <summary>RFC 5267 §4.3: keeping an UPDATE context's results and writing ADDTO/REMOVEFROM.</summary>
public class ResultContextTests
{
    [Fact]
    public void A_search_context_reports_position_zero_in_mailbox_order()
    {
        var context = new ResultContext("B01", uid: true, order: null, [10, 20]);
        var added = new List<(int, uint)> { (context.Add(40), 40u), (context.Add(15), 15u), (context.Add(16), 16u) };
        Assert.Equal([10u, 15, 16, 20, 40], context.Uids);
        Assert.Equal("* ESEARCH (TAG \"B01\") UID ADDTO (0 15:16,40)\r\n", ContextUpdateWriter.Format(context, added: true, added));
        var removed = new List<(int, uint)> { (context.Remove(20), 20u), (context.Remove(99), 99u) };
        Assert.Equal(4, removed[0].Item1);
        Assert.Equal(0, removed[1].Item1);
        Assert.Equal("* ESEARCH (TAG \"B01\") UID REMOVEFROM (0 20)\r\n", ContextUpdateWriter.Format(context, added: false, removed.Take(1).ToList()));
        Assert.Null(ContextUpdateWriter.Format(context, added: true, []));
    }

    [Fact]
    public void A_sort_context_reports_positions_and_joins_runs()
    {
        // Sorted descending by UID, as REVERSE ARRIVAL might.
        var order = Comparer<uint>.Create((a, b) => b.CompareTo(a));
        var context = new ResultContext("C01", uid: false, order, [2735, 2734]);
        var changes = new List<(int, uint)>();
        foreach (var uid in new uint[] { 2733, 2732, 2731, 2736 })
        {
            changes.Add((context.Add(uid), uid));
        }

        Assert.Equal([2736u, 2735, 2734, 2733, 2732, 2731], context.Uids);
        Assert.Equal("* ESEARCH (TAG \"C01\") ADDTO (3 2733,2732,2731 1 2736)\r\n", ContextUpdateWriter.Format(context, added: true, changes));

        // Insertions at consecutive positions share a pair; repeated removals at one position too.
        var context2 = new ResultContext("C02", uid: true, order, [9, 1]);
        var adds = new List<(int, uint)> { (context2.Add(5), 5u), (context2.Add(4), 4u), (context2.Add(3), 3u) };
        Assert.Equal("* ESEARCH (TAG \"C02\") UID ADDTO (2 5,4,3)\r\n", ContextUpdateWriter.Format(context2, added: true, adds));
        var removes = new List<(int, uint)> { (context2.Remove(5), 5u), (context2.Remove(4), 4u), (context2.Remove(1), 1u) };
        Assert.Equal("* ESEARCH (TAG \"C02\") UID REMOVEFROM (2 5,4 3 1)\r\n", ContextUpdateWriter.Format(context2, added: false, removes));
        Assert.Equal([9u, 3], context2.Uids);
    }

    [Fact]
    public void Adding_twice_or_removing_an_absent_message_changes_nothing()
    {
        var context = new ResultContext("t", uid: true, order: null, [1, 2]);
        Assert.Equal(0, context.Add(2));
        Assert.Equal(0, context.Remove(3));
        Assert.Equal([1u, 2], context.Uids);
        Assert.True(context.Contains(1));
        Assert.False(context.Contains(3));
    }

    [Fact]
    public void The_tag_is_quoted()
    {
        var context = new ResultContext("a\"b", uid: false, order: null, []);
        Assert.StartsWith("* ESEARCH (TAG \"a\\\"b\")", ContextUpdateWriter.Format(context, added: true, [(context.Add(1), 1u)]), StringComparison.Ordinal);
    }
}
