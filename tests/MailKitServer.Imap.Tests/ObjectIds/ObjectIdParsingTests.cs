using MailKitServer.Imap.Fetch;
using MailKitServer.Imap.Search;

namespace MailKitServer.Imap.Tests.ObjectIds;

/// <summary>The new SEARCH keys and FETCH items parsed from the wire, split at every byte boundary.</summary>
public sealed class ObjectIdParsingTests
{
    [Fact]
    public void Search_keys_of_objectid_savedate_and_within_parse_at_every_split()
    {
        WireTokens.ForEachSplit("a SEARCH EMAILID M6d99ac3275bb4e THREADID T_1-x OLDER 5 YOUNGER 4294967295 SAVEDBEFORE 1-Jan-2020 SAVEDON 2-Feb-2021 SAVEDSINCE 3-Mar-2022 SAVEDATESUPPORTED", args =>
        {
            Assert.True(SearchParser.TryParse(args, out var key, out var error), error);
            Assert.Equal(
                [SearchKeyKind.EmailId, SearchKeyKind.ThreadId, SearchKeyKind.Older, SearchKeyKind.Younger, SearchKeyKind.SavedBefore, SearchKeyKind.SavedOn, SearchKeyKind.SavedSince, SearchKeyKind.SaveDateSupported],
                key.Children.Select(c => c.Kind));
            Assert.Equal("M6d99ac3275bb4e", key.Children[0].Text);
            Assert.Equal("T_1-x", key.Children[1].Text);
            Assert.Equal(5, key.Children[2].Number);
            Assert.Equal(4294967295, key.Children[3].Number);
            Assert.Equal(new DateTime(2021, 2, 2), key.Children[5].Date);
            Assert.True(key.NeedsThreadId);
            Assert.True(key.UsesNow);
        });
    }

    [Fact]
    public void Fetch_items_of_objectid_and_savedate_parse_at_every_split()
    {
        WireTokens.ForEachSplit("a FETCH 1:* (emailid THREADID SaveDate uid)", args =>
        {
            Assert.True(FetchRequest.TryParse(args[1], null, uid: false, out var request, out var error), error);
            Assert.Equal([FetchItemKind.EmailId, FetchItemKind.ThreadId, FetchItemKind.SaveDate, FetchItemKind.Uid], request.Items.Select(i => i.Kind));
            Assert.False(request.NeedsStructure);
        });
    }
}
