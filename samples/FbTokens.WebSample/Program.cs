var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "FbTokens web sample");
app.Run();

/// <summary>The sample's entry point, public so the tests can start it with WebApplicationFactory.</summary>
public partial class Program;
