-- Plausibility rules for the label kinds a city starts with, on databases that already hold
-- them (a fresh database gets them from the registry's defaults at start-up). Only kinds whose
-- rules nobody has set yet are touched.
UPDATE "label_kind" SET "rules" = '{"ageMin": 60}'::jsonb WHERE "code" IN ('elderly_alone', 'empty_nest') AND "rules" = '{}'::jsonb;--> statement-breakpoint
UPDATE "label_kind" SET "rules" = '{"ageMin": 80}'::jsonb WHERE "code" = 'elderly_80' AND "rules" = '{}'::jsonb;--> statement-breakpoint
UPDATE "label_kind" SET "rules" = '{"ageMax": 15}'::jsonb WHERE "code" = 'left_behind_child' AND "rules" = '{}'::jsonb;
