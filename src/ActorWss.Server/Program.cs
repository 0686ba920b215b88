using ActorWss.Hosting;
using ActorWss.Samples.Chat;

// The ready-made ActorWss server: echo on /, the chat sample on /chat; every setting from HOCON (config/actorwss.conf,
// --set key=value). `--help` lists the options.
return await ActorWssApplication.RunAsync(args, ws => ws.AddChat());
