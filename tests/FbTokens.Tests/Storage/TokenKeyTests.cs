namespace FbTokens.Tests.Storage;

/// <summary>What a <see cref="TokenKey"/> accepts: stores use its text form as a row key, so it must stay unambiguous.</summary>
public sealed class TokenKeyTests
{
    [Fact]
    public void An_id_of_exactly_the_maximum_length_is_accepted()
    {
        var id = new string('1', TokenKey.MaxIdLength);

        var key = TokenKey.ForPage(id, id);

        Assert.Equal(id, key.SubjectId);
        Assert.Equal(id, key.AppId);
    }

    [Fact]
    public void An_id_one_past_the_maximum_length_is_refused_naming_the_limit()
    {
        var ex = Assert.Throws<ArgumentException>(() => TokenKey.ForUser(new string('1', TokenKey.MaxIdLength + 1)));

        Assert.Equal("subjectId", ex.ParamName);
        Assert.StartsWith("The id is longer than 128 characters.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1:2")]
    [InlineData("1@2")]
    [InlineData("1\n2")]
    [InlineData("1\u00a02")]
    [InlineData("   ")]
    [InlineData("")]
    public void The_app_id_is_checked_like_the_subject_id(string appId)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => TokenKey.ForUser("42", appId));

        Assert.Equal("appId", ex.ParamName);
    }

    [Fact]
    public void A_bad_character_is_refused_with_a_message_that_names_the_rule()
    {
        var ex = Assert.Throws<ArgumentException>(() => TokenKey.ForPage("1@2"));

        Assert.Equal("subjectId", ex.ParamName);
        Assert.StartsWith("The id must not contain white space, control characters, ':' or '@'.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undefined_kind_is_refused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TokenKey((TokenKind)42, "1"));

        Assert.Equal("kind", ex.ParamName);
        Assert.StartsWith("Unknown token kind.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_text_form_has_the_app_only_when_there_is_one()
    {
        Assert.Equal("User:42", TokenKey.ForUser("42").ToString());
        Assert.Equal("Page:5@77", TokenKey.ForPage("5", "77").ToString());
        Assert.Equal("App:77", TokenKey.ForApp("77").ToString());
    }

    [Fact]
    public void A_concurrency_failure_says_which_versions_were_expected_and_found()
    {
        Assert.Equal(
            "The token User:42 was changed by another writer: expected version 3, found 4.",
            new TokenStoreConcurrencyException(TokenKey.ForUser("42"), 3, 4).Message);
        Assert.Equal(
            "The token User:42 was changed by another writer: expected version any, found none.",
            new TokenStoreConcurrencyException(TokenKey.ForUser("42"), null, null).Message);
    }
}
