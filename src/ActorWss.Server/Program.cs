using ActorWss.Hosting;

// The ready-made ActorWss server: every setting from HOCON (config/actorwss.conf, --set key=value); `--help` lists the options.
return await ActorWssApplication.RunAsync(args);
