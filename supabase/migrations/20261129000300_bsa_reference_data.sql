-- BSA reference data: the 7 ranks, their 144 current requirements and the 141 merit badges.
--
-- GENERATED from internal/scoutbook/reference.go by TestReferenceSQLUpToDate; do not edit by hand.
-- After changing the Go lists, regenerate with:
--   go test ./internal/scoutbook -run TestReferenceSQLUpToDate -update-reference-sql
--
-- Idempotent: applying it to a database that already holds these rows changes nothing.
-- Ranks and badges are skipped on a code conflict; a rank requirement is inserted only
-- when no row with the same (rank, version_year, requirement_number) exists yet.
-- No transaction statements: the migration runner wraps the file in one.

-- Ranks, in order. Every rank is on the path to Eagle, hence is_eagle_required = true
-- (as in the reference data file). requirement_version_year is the current version.
insert into public.bsa_ranks (code, name, display_order, is_eagle_required, requirement_version_year)
values
    ('scout', 'Scout', 1, true, 2024),
    ('tenderfoot', 'Tenderfoot', 2, true, 2024),
    ('second_class', 'Second Class', 3, true, 2024),
    ('first_class', 'First Class', 4, true, 2024),
    ('star', 'Star', 5, true, 2024),
    ('life', 'Life', 6, true, 2016),
    ('eagle', 'Eagle', 7, true, 2022)
on conflict (code) do nothing;

-- Scout requirements, version 2024 (18 rows), with placeholder descriptions and
-- display_order by position. Rows already present for (rank, version, number) are skipped.
insert into public.bsa_rank_requirements
    (rank_id, version_year, requirement_number, description, display_order)
select r.id, v.version_year, v.requirement_number, v.description, v.display_order
from (values
    ('scout', 2024, '1a', 'Scout requirement 1a', 1),
    ('scout', 2024, '1b', 'Scout requirement 1b', 2),
    ('scout', 2024, '1c', 'Scout requirement 1c', 3),
    ('scout', 2024, '1d', 'Scout requirement 1d', 4),
    ('scout', 2024, '1e', 'Scout requirement 1e', 5),
    ('scout', 2024, '1f', 'Scout requirement 1f', 6),
    ('scout', 2024, '2a', 'Scout requirement 2a', 7),
    ('scout', 2024, '2b', 'Scout requirement 2b', 8),
    ('scout', 2024, '2c', 'Scout requirement 2c', 9),
    ('scout', 2024, '2d', 'Scout requirement 2d', 10),
    ('scout', 2024, '3a', 'Scout requirement 3a', 11),
    ('scout', 2024, '3b', 'Scout requirement 3b', 12),
    ('scout', 2024, '4a', 'Scout requirement 4a', 13),
    ('scout', 2024, '4b', 'Scout requirement 4b', 14),
    ('scout', 2024, '5', 'Scout requirement 5', 15),
    ('scout', 2024, '6a', 'Scout requirement 6a', 16),
    ('scout', 2024, '6b', 'Scout requirement 6b', 17),
    ('scout', 2024, '7', 'Scout requirement 7', 18)
) as v (rank_code, version_year, requirement_number, description, display_order)
join public.bsa_ranks r on r.code = v.rank_code
where not exists (
    select 1 from public.bsa_rank_requirements x
    where x.rank_id = r.id
      and x.version_year = v.version_year
      and x.requirement_number = v.requirement_number
)
on conflict do nothing;

-- Tenderfoot requirements, version 2024 (27 rows), with placeholder descriptions and
-- display_order by position. Rows already present for (rank, version, number) are skipped.
insert into public.bsa_rank_requirements
    (rank_id, version_year, requirement_number, description, display_order)
select r.id, v.version_year, v.requirement_number, v.description, v.display_order
from (values
    ('tenderfoot', 2024, '1a', 'Tenderfoot requirement 1a', 1),
    ('tenderfoot', 2024, '1b', 'Tenderfoot requirement 1b', 2),
    ('tenderfoot', 2024, '1c', 'Tenderfoot requirement 1c', 3),
    ('tenderfoot', 2024, '2a', 'Tenderfoot requirement 2a', 4),
    ('tenderfoot', 2024, '2b', 'Tenderfoot requirement 2b', 5),
    ('tenderfoot', 2024, '2c', 'Tenderfoot requirement 2c', 6),
    ('tenderfoot', 2024, '3a', 'Tenderfoot requirement 3a', 7),
    ('tenderfoot', 2024, '3b', 'Tenderfoot requirement 3b', 8),
    ('tenderfoot', 2024, '3c', 'Tenderfoot requirement 3c', 9),
    ('tenderfoot', 2024, '3d', 'Tenderfoot requirement 3d', 10),
    ('tenderfoot', 2024, '4a', 'Tenderfoot requirement 4a', 11),
    ('tenderfoot', 2024, '4b', 'Tenderfoot requirement 4b', 12),
    ('tenderfoot', 2024, '4c', 'Tenderfoot requirement 4c', 13),
    ('tenderfoot', 2024, '4d', 'Tenderfoot requirement 4d', 14),
    ('tenderfoot', 2024, '5a', 'Tenderfoot requirement 5a', 15),
    ('tenderfoot', 2024, '5b', 'Tenderfoot requirement 5b', 16),
    ('tenderfoot', 2024, '5c', 'Tenderfoot requirement 5c', 17),
    ('tenderfoot', 2024, '5d', 'Tenderfoot requirement 5d', 18),
    ('tenderfoot', 2024, '6a', 'Tenderfoot requirement 6a', 19),
    ('tenderfoot', 2024, '6b', 'Tenderfoot requirement 6b', 20),
    ('tenderfoot', 2024, '6c', 'Tenderfoot requirement 6c', 21),
    ('tenderfoot', 2024, '7a', 'Tenderfoot requirement 7a', 22),
    ('tenderfoot', 2024, '7b', 'Tenderfoot requirement 7b', 23),
    ('tenderfoot', 2024, '8', 'Tenderfoot requirement 8', 24),
    ('tenderfoot', 2024, '9', 'Tenderfoot requirement 9', 25),
    ('tenderfoot', 2024, '10', 'Tenderfoot requirement 10', 26),
    ('tenderfoot', 2024, '11', 'Tenderfoot requirement 11', 27)
) as v (rank_code, version_year, requirement_number, description, display_order)
join public.bsa_ranks r on r.code = v.rank_code
where not exists (
    select 1 from public.bsa_rank_requirements x
    where x.rank_id = r.id
      and x.version_year = v.version_year
      and x.requirement_number = v.requirement_number
)
on conflict do nothing;

-- Second Class requirements, version 2024 (37 rows), with placeholder descriptions and
-- display_order by position. Rows already present for (rank, version, number) are skipped.
insert into public.bsa_rank_requirements
    (rank_id, version_year, requirement_number, description, display_order)
select r.id, v.version_year, v.requirement_number, v.description, v.display_order
from (values
    ('second_class', 2024, '1a', 'Second Class requirement 1a', 1),
    ('second_class', 2024, '1b', 'Second Class requirement 1b', 2),
    ('second_class', 2024, '1c', 'Second Class requirement 1c', 3),
    ('second_class', 2024, '2a', 'Second Class requirement 2a', 4),
    ('second_class', 2024, '2b', 'Second Class requirement 2b', 5),
    ('second_class', 2024, '2c', 'Second Class requirement 2c', 6),
    ('second_class', 2024, '2d', 'Second Class requirement 2d', 7),
    ('second_class', 2024, '2e', 'Second Class requirement 2e', 8),
    ('second_class', 2024, '2f', 'Second Class requirement 2f', 9),
    ('second_class', 2024, '2g', 'Second Class requirement 2g', 10),
    ('second_class', 2024, '3a', 'Second Class requirement 3a', 11),
    ('second_class', 2024, '3b', 'Second Class requirement 3b', 12),
    ('second_class', 2024, '3c', 'Second Class requirement 3c', 13),
    ('second_class', 2024, '3d', 'Second Class requirement 3d', 14),
    ('second_class', 2024, '4', 'Second Class requirement 4', 15),
    ('second_class', 2024, '5a', 'Second Class requirement 5a', 16),
    ('second_class', 2024, '5b', 'Second Class requirement 5b', 17),
    ('second_class', 2024, '5c', 'Second Class requirement 5c', 18),
    ('second_class', 2024, '5d', 'Second Class requirement 5d', 19),
    ('second_class', 2024, '6a', 'Second Class requirement 6a', 20),
    ('second_class', 2024, '6b', 'Second Class requirement 6b', 21),
    ('second_class', 2024, '6c', 'Second Class requirement 6c', 22),
    ('second_class', 2024, '6d', 'Second Class requirement 6d', 23),
    ('second_class', 2024, '6e', 'Second Class requirement 6e', 24),
    ('second_class', 2024, '7a', 'Second Class requirement 7a', 25),
    ('second_class', 2024, '7b', 'Second Class requirement 7b', 26),
    ('second_class', 2024, '7c', 'Second Class requirement 7c', 27),
    ('second_class', 2024, '8a', 'Second Class requirement 8a', 28),
    ('second_class', 2024, '8b', 'Second Class requirement 8b', 29),
    ('second_class', 2024, '8c', 'Second Class requirement 8c', 30),
    ('second_class', 2024, '8d', 'Second Class requirement 8d', 31),
    ('second_class', 2024, '8e', 'Second Class requirement 8e', 32),
    ('second_class', 2024, '9a', 'Second Class requirement 9a', 33),
    ('second_class', 2024, '9b', 'Second Class requirement 9b', 34),
    ('second_class', 2024, '10', 'Second Class requirement 10', 35),
    ('second_class', 2024, '11', 'Second Class requirement 11', 36),
    ('second_class', 2024, '12', 'Second Class requirement 12', 37)
) as v (rank_code, version_year, requirement_number, description, display_order)
join public.bsa_ranks r on r.code = v.rank_code
where not exists (
    select 1 from public.bsa_rank_requirements x
    where x.rank_id = r.id
      and x.version_year = v.version_year
      and x.requirement_number = v.requirement_number
)
on conflict do nothing;

-- First Class requirements, version 2024 (38 rows), with placeholder descriptions and
-- display_order by position. Rows already present for (rank, version, number) are skipped.
insert into public.bsa_rank_requirements
    (rank_id, version_year, requirement_number, description, display_order)
select r.id, v.version_year, v.requirement_number, v.description, v.display_order
from (values
    ('first_class', 2024, '1a', 'First Class requirement 1a', 1),
    ('first_class', 2024, '1b', 'First Class requirement 1b', 2),
    ('first_class', 2024, '2a', 'First Class requirement 2a', 3),
    ('first_class', 2024, '2b', 'First Class requirement 2b', 4),
    ('first_class', 2024, '2c', 'First Class requirement 2c', 5),
    ('first_class', 2024, '2d', 'First Class requirement 2d', 6),
    ('first_class', 2024, '2e', 'First Class requirement 2e', 7),
    ('first_class', 2024, '3a', 'First Class requirement 3a', 8),
    ('first_class', 2024, '3b', 'First Class requirement 3b', 9),
    ('first_class', 2024, '3c', 'First Class requirement 3c', 10),
    ('first_class', 2024, '3d', 'First Class requirement 3d', 11),
    ('first_class', 2024, '4a', 'First Class requirement 4a', 12),
    ('first_class', 2024, '4b', 'First Class requirement 4b', 13),
    ('first_class', 2024, '5a', 'First Class requirement 5a', 14),
    ('first_class', 2024, '5b', 'First Class requirement 5b', 15),
    ('first_class', 2024, '5c', 'First Class requirement 5c', 16),
    ('first_class', 2024, '5d', 'First Class requirement 5d', 17),
    ('first_class', 2024, '6a', 'First Class requirement 6a', 18),
    ('first_class', 2024, '6b', 'First Class requirement 6b', 19),
    ('first_class', 2024, '6c', 'First Class requirement 6c', 20),
    ('first_class', 2024, '6d', 'First Class requirement 6d', 21),
    ('first_class', 2024, '6e', 'First Class requirement 6e', 22),
    ('first_class', 2024, '7a', 'First Class requirement 7a', 23),
    ('first_class', 2024, '7b', 'First Class requirement 7b', 24),
    ('first_class', 2024, '7c', 'First Class requirement 7c', 25),
    ('first_class', 2024, '7d', 'First Class requirement 7d', 26),
    ('first_class', 2024, '7e', 'First Class requirement 7e', 27),
    ('first_class', 2024, '7f', 'First Class requirement 7f', 28),
    ('first_class', 2024, '8a', 'First Class requirement 8a', 29),
    ('first_class', 2024, '8b', 'First Class requirement 8b', 30),
    ('first_class', 2024, '9a', 'First Class requirement 9a', 31),
    ('first_class', 2024, '9b', 'First Class requirement 9b', 32),
    ('first_class', 2024, '9c', 'First Class requirement 9c', 33),
    ('first_class', 2024, '9d', 'First Class requirement 9d', 34),
    ('first_class', 2024, '10', 'First Class requirement 10', 35),
    ('first_class', 2024, '11', 'First Class requirement 11', 36),
    ('first_class', 2024, '12', 'First Class requirement 12', 37),
    ('first_class', 2024, '13', 'First Class requirement 13', 38)
) as v (rank_code, version_year, requirement_number, description, display_order)
join public.bsa_ranks r on r.code = v.rank_code
where not exists (
    select 1 from public.bsa_rank_requirements x
    where x.rank_id = r.id
      and x.version_year = v.version_year
      and x.requirement_number = v.requirement_number
)
on conflict do nothing;

-- Star requirements, version 2024 (9 rows), with placeholder descriptions and
-- display_order by position. Rows already present for (rank, version, number) are skipped.
insert into public.bsa_rank_requirements
    (rank_id, version_year, requirement_number, description, display_order)
select r.id, v.version_year, v.requirement_number, v.description, v.display_order
from (values
    ('star', 2024, '1', 'Star requirement 1', 1),
    ('star', 2024, '2', 'Star requirement 2', 2),
    ('star', 2024, '3', 'Star requirement 3', 3),
    ('star', 2024, '4', 'Star requirement 4', 4),
    ('star', 2024, '5', 'Star requirement 5', 5),
    ('star', 2024, '6a', 'Star requirement 6a', 6),
    ('star', 2024, '6b', 'Star requirement 6b', 7),
    ('star', 2024, '7', 'Star requirement 7', 8),
    ('star', 2024, '8', 'Star requirement 8', 9)
) as v (rank_code, version_year, requirement_number, description, display_order)
join public.bsa_ranks r on r.code = v.rank_code
where not exists (
    select 1 from public.bsa_rank_requirements x
    where x.rank_id = r.id
      and x.version_year = v.version_year
      and x.requirement_number = v.requirement_number
)
on conflict do nothing;

-- Life requirements, version 2016 (8 rows), with placeholder descriptions and
-- display_order by position. Rows already present for (rank, version, number) are skipped.
insert into public.bsa_rank_requirements
    (rank_id, version_year, requirement_number, description, display_order)
select r.id, v.version_year, v.requirement_number, v.description, v.display_order
from (values
    ('life', 2016, '1', 'Life requirement 1', 1),
    ('life', 2016, '2', 'Life requirement 2', 2),
    ('life', 2016, '3', 'Life requirement 3', 3),
    ('life', 2016, '4', 'Life requirement 4', 4),
    ('life', 2016, '5', 'Life requirement 5', 5),
    ('life', 2016, '6', 'Life requirement 6', 6),
    ('life', 2016, '7', 'Life requirement 7', 7),
    ('life', 2016, '8', 'Life requirement 8', 8)
) as v (rank_code, version_year, requirement_number, description, display_order)
join public.bsa_ranks r on r.code = v.rank_code
where not exists (
    select 1 from public.bsa_rank_requirements x
    where x.rank_id = r.id
      and x.version_year = v.version_year
      and x.requirement_number = v.requirement_number
)
on conflict do nothing;

-- Eagle requirements, version 2022 (7 rows), with placeholder descriptions and
-- display_order by position. Rows already present for (rank, version, number) are skipped.
insert into public.bsa_rank_requirements
    (rank_id, version_year, requirement_number, description, display_order)
select r.id, v.version_year, v.requirement_number, v.description, v.display_order
from (values
    ('eagle', 2022, '1', 'Eagle requirement 1', 1),
    ('eagle', 2022, '2', 'Eagle requirement 2', 2),
    ('eagle', 2022, '3', 'Eagle requirement 3', 3),
    ('eagle', 2022, '4', 'Eagle requirement 4', 4),
    ('eagle', 2022, '5', 'Eagle requirement 5', 5),
    ('eagle', 2022, '6', 'Eagle requirement 6', 6),
    ('eagle', 2022, '7', 'Eagle requirement 7', 7)
) as v (rank_code, version_year, requirement_number, description, display_order)
join public.bsa_ranks r on r.code = v.rank_code
where not exists (
    select 1 from public.bsa_rank_requirements x
    where x.rank_id = r.id
      and x.version_year = v.version_year
      and x.requirement_number = v.requirement_number
)
on conflict do nothing;

-- Merit badges (all active). The id is given explicitly so the insert does not depend
-- on a column default. category and requirement_version_year stay NULL: the current
-- version of each badge is not part of this seed.
insert into public.bsa_merit_badges
    (id, code, name, is_eagle_required, category, requirement_version_year, is_active)
select gen_random_uuid(), v.code, v.name, v.is_eagle_required, null::text, null::integer, true
from (values
    ('american_business', 'American Business', false),
    ('american_cultures', 'American Cultures', false),
    ('american_heritage', 'American Heritage', false),
    ('american_indian_culture', 'American Indian Lore', false),
    ('american_labor', 'American Labor', false),
    ('animal_science', 'Animal Science', false),
    ('animation', 'Animation', false),
    ('archaeology', 'Archaeology', false),
    ('archery', 'Archery', false),
    ('architecture', 'Architecture', false),
    ('art', 'Art', false),
    ('artificial_intelligence', 'Artificial Intelligence', false),
    ('astronomy', 'Astronomy', false),
    ('athletics', 'Athletics', false),
    ('automotive_maintenance', 'Automotive Maintenance', false),
    ('aviation', 'Aviation', false),
    ('backpacking', 'Backpacking', false),
    ('basketry', 'Basketry', false),
    ('bird_study', 'Bird Study', false),
    ('bugling', 'Bugling', false),
    ('camping', 'Camping', true),
    ('canoeing', 'Canoeing', false),
    ('chemistry', 'Chemistry', false),
    ('chess', 'Chess', false),
    ('citizenship_in_society', 'Citizenship in Society', true),
    ('citizenship_in_the_community', 'Citizenship in the Community', true),
    ('citizenship_in_the_nation', 'Citizenship in the Nation', true),
    ('citizenship_in_the_world', 'Citizenship in the World', true),
    ('climbing', 'Climbing', false),
    ('coin_collecting', 'Coin Collecting', false),
    ('collections', 'Collections', false),
    ('communication', 'Communication', true),
    ('composite_materials', 'Composite Materials', false),
    ('cooking', 'Cooking', true),
    ('crime_prevention', 'Crime Prevention', false),
    ('cybersecurity', 'Cybersecurity', false),
    ('cycling', 'Cycling', true),
    ('dentistry', 'Dentistry', false),
    ('digital_technology', 'Digital Technology', false),
    ('disabilities_awareness', 'Disabilities Awareness', false),
    ('dog_care', 'Dog Care', false),
    ('drafting', 'Drafting', false),
    ('electricity', 'Electricity', false),
    ('electronics', 'Electronics', false),
    ('emergency_preparedness', 'Emergency Preparedness', true),
    ('energy', 'Energy', false),
    ('engineering', 'Engineering', false),
    ('entrepreneurship', 'Entrepreneurship', false),
    ('environmental_science', 'Environmental Science', true),
    ('exploration', 'Exploration', false),
    ('family_life', 'Family Life', true),
    ('farm_mechanics', 'Farm Mechanics', false),
    ('fingerprinting', 'Fingerprinting', false),
    ('fire_safety', 'Fire Safety', false),
    ('first_aid', 'First Aid', true),
    ('fish_wildlife_management', 'Fish & Wildlife Management', false),
    ('fishing', 'Fishing', false),
    ('fly_fishing', 'Fly Fishing', false),
    ('forestry', 'Forestry', false),
    ('game_design', 'Game Design', false),
    ('gardening', 'Gardening', false),
    ('genealogy', 'Genealogy', false),
    ('geocaching', 'Geocaching', false),
    ('geology', 'Geology', false),
    ('golf', 'Golf', false),
    ('graphic_arts', 'Graphic Arts', false),
    ('health_care_professions', 'Health Care Professions', false),
    ('hiking', 'Hiking', true),
    ('home_repairs', 'Home Repairs', false),
    ('horsemanship', 'Horsemanship', false),
    ('insect_study', 'Insect Study', false),
    ('inventing', 'Inventing', false),
    ('journalism', 'Journalism', false),
    ('kayaking', 'Kayaking', false),
    ('landscape_architecture', 'Landscape Architecture', false),
    ('law', 'Law', false),
    ('leatherwork', 'Leatherwork', false),
    ('lifesaving', 'Lifesaving', true),
    ('mammal_study', 'Mammal Study', false),
    ('metalwork', 'Metalwork', false),
    ('mining_in_society', 'Mining in Society', false),
    ('model_design_and_building', 'Model Design and Building', false),
    ('motorboating', 'Motorboating', false),
    ('moviemaking', 'Moviemaking', false),
    ('multisport', 'Multisport', false),
    ('music', 'Music', false),
    ('nature', 'Nature', false),
    ('nuclear_science', 'Nuclear Science', false),
    ('oceanography', 'Oceanography', false),
    ('orienteering', 'Orienteering', false),
    ('painting', 'Painting', false),
    ('personal_fitness', 'Personal Fitness', true),
    ('personal_management', 'Personal Management', true),
    ('pets', 'Pets', false),
    ('photography', 'Photography', false),
    ('pioneering', 'Pioneering', false),
    ('plant_science', 'Plant Science', false),
    ('plumbing', 'Plumbing', false),
    ('pottery', 'Pottery', false),
    ('programming', 'Programming', false),
    ('public_health', 'Public Health', false),
    ('public_speaking', 'Public Speaking', false),
    ('pulp_and_paper', 'Pulp and Paper', false),
    ('radio', 'Radio', false),
    ('railroading', 'Railroading', false),
    ('reading', 'Reading', false),
    ('reptile_and_amphibian_study', 'Reptile and Amphibian Study', false),
    ('rifle_shooting', 'Rifle Shooting', false),
    ('robotics', 'Robotics', false),
    ('rowing', 'Rowing', false),
    ('safety', 'Safety', false),
    ('salesmanship', 'Salesmanship', false),
    ('scholarship', 'Scholarship', false),
    ('scouting_heritage', 'Scouting Heritage', false),
    ('scuba_diving', 'Scuba Diving', false),
    ('sculpture', 'Sculpture', false),
    ('search_and_rescue', 'Search and Rescue', false),
    ('shotgun_shooting', 'Shotgun Shooting', false),
    ('signs_signals_and_codes', 'Signs, Signals, and Codes', false),
    ('skating', 'Skating', false),
    ('small_boat_sailing', 'Small-Boat Sailing', false),
    ('snow_sports', 'Snow Sports', false),
    ('soil_and_water_conservation', 'Soil and Water Conservation', false),
    ('space_exploration', 'Space Exploration', false),
    ('sports', 'Sports', false),
    ('stamp_collecting', 'Stamp Collecting', false),
    ('surveying', 'Surveying', false),
    ('sustainability', 'Sustainability', true),
    ('swimming', 'Swimming', true),
    ('textile', 'Textile', false),
    ('theater', 'Theater', false),
    ('traffic_safety', 'Traffic Safety', false),
    ('truck_transportation', 'Truck Transportation', false),
    ('veterinary_medicine', 'Veterinary Medicine', false),
    ('water_sports', 'Water Sports', false),
    ('weather', 'Weather', false),
    ('welding', 'Welding', false),
    ('whitewater', 'Whitewater', false),
    ('wilderness_survival', 'Wilderness Survival', false),
    ('wood_carving', 'Wood Carving', false),
    ('woodwork', 'Woodwork', false)
) as v (code, name, is_eagle_required)
on conflict (code) do nothing;
