using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// The baseline of benchmarks/confluent-http.sh: Kestrel configured like the registry's HTTP listener (HTTP/1.1,
// no Server header, published with native AOT), with no routing and no middleware, answering every request with the
// bytes of one file and the registry's content type. Usage: Registry.BareKestrel <host:port> <body file>
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Registry.BareKestrel <host:port> <body file>");
    return 2;
}

var endpoint = IPEndPoint.Parse(args[0]);
var body = File.ReadAllBytes(args[1]);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(endpoint, listen => listen.Protocols = HttpProtocols.Http1);
});

var app = builder.Build();
app.Run(context =>
{
    context.Response.ContentType = "application/vnd.schemaregistry.v1+json";
    context.Response.ContentLength = body.Length;
    var flush = context.Response.BodyWriter.WriteAsync(body, context.RequestAborted);
    return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
});
await app.RunAsync().ConfigureAwait(false);
return 0;
